import Collectives
import Datasets
import LinearAlgebra
import TestSupport
import TextFeatures
import XCTest

/// Parity with scikit-learn on the real IMDB CSV (../shared/data) and the golden files.
final class ImdbParityTests: XCTestCase {
    private func goldenLines(_ name: String) throws -> [Substring] {
        try String(contentsOf: TestPaths.golden(name), encoding: .utf8).split(separator: "\n")
    }

    func testSplitReproducesScikitLearnsTrainTestSplit() throws {
        let split = TrainTestSplit(rows: 50_000, testSize: 0.5, seed: 13)
        XCTAssertEqual(split.train, try goldenLines("split_n50000_test0.5_seed13_train.txt").map { Int($0)! })
        XCTAssertEqual(split.test, try goldenLines("split_n50000_test0.5_seed13_test.txt").map { Int($0)! })
    }

    func testSplitSizesRoundTheTestPartUp() {
        let split = TrainTestSplit(rows: 7, testSize: 0.25, seed: 1)
        XCTAssertEqual(split.test.count, 2)
        XCTAssertEqual(Set(split.train + split.test), Set(0..<7))
        XCTAssertEqual(TrainTestSplit(rows: 5, testSize: 0, seed: 1).train, [0, 1, 2, 3, 4])
    }

    func testVocabularyCountsAndFirstRowsMatchScikitLearnOnTheTrainHalf() throws {
        let shard = try Dataset.load(DatasetSpec(path: TestPaths.imdbCSV.path), world: LocalCommunicator())
        let vocabulary = try XCTUnwrap(shard.vocabulary)
        XCTAssertEqual(shard.training.total, 25_000)
        XCTAssertEqual(shard.training.sourceRows, TrainTestSplit(rows: 50_000, testSize: 0.5, seed: 13).train)
        XCTAssertEqual(shard.validation.total, 2000)
        XCTAssertEqual(shard.labelNames, ["negative", "positive"])

        let golden = try goldenLines("imdb_train_half_vocab5000.tsv").dropFirst().map { line -> (String, Int64) in
            let parts = line.split(separator: "\t")
            return (String(parts[1]), Int64(parts[2])!)
        }
        XCTAssertEqual(vocabulary.count, 5000)
        // Terms above the cut-off count are exactly scikit-learn's; at the cut-off (74) only which
        // tied terms were kept may differ, not how many.
        let cutOff: Int64 = 74
        let ours = zip(vocabulary.terms, vocabulary.corpusCounts).filter { $0.1 > cutOff }
        let theirs = golden.filter { $0.1 > cutOff }
        XCTAssertEqual(ours.map(\.0), theirs.map(\.0))
        XCTAssertEqual(ours.map(\.1), theirs.map(\.1))
        XCTAssertEqual(vocabulary.corpusCounts.filter { $0 == cutOff }.count, golden.filter { $0.1 == cutOff }.count)
        XCTAssertEqual(vocabulary.corpusCounts.min(), cutOff)

        // The first five training rows, compared term by term (columns shift if tied terms differ).
        guard case .sparse(let matrix) = shard.training.features else { return XCTFail("text gives sparse rows") }
        let goldenTerms = golden.map(\.0)
        for (row, line) in try goldenLines("imdb_train_half_first5_rows.txt").enumerated() {
            let expected = Dictionary(uniqueKeysWithValues: line.split(separator: " ").map { pair -> (String, Float) in
                let parts = pair.split(separator: ":")
                return (goldenTerms[Int(parts[0])!], Float(parts[1])!)
            })
            var actual: [String: Float] = [:]
            for k in matrix.rowPointers[row]..<matrix.rowPointers[row + 1] {
                actual[vocabulary.terms[Int(matrix.columnIndices[k])]] = matrix.values[k]
            }
            XCTAssertEqual(actual, expected, "row \(row)")
        }
        XCTAssertEqual(shard.counts.trainingNonZeros, matrix.nonZeroCount)
        XCTAssertEqual(Double(matrix.nonZeroCount) / 25_000, 69.5, accuracy: 0.05)
    }
}
