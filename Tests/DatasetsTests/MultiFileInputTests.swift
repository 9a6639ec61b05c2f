import Collectives
import Datasets
import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// Several `--input` files of one format are one input: their rows in the order given, labels
/// from every part, `maxRows` counted over the files, and parts that do not fit together refused
/// naming the files.
final class MultiFileInputTests: XCTestCase {
    private let world = LocalCommunicator()

    /// An IDX images file of `rows` 2 × 2 images whose pixels count up from `first`, with a labels
    /// file beside it (label of row r: `firstLabel + r`).
    private func images(_ stem: String, rows: Int, first: Int, firstLabel: UInt8?) -> String {
        let path = Fixtures.idx("\(stem)-images-idx3-ubyte", dimensions: [rows, 2, 2], values: (0..<rows * 4).map { UInt8(first + $0) })
        if let firstLabel { labels(beside: path, (0..<rows).map { firstLabel + UInt8($0) }) }
        return path
    }

    /// The labels file the MNIST naming convention pairs with `images`.
    private func labels(beside images: String, _ values: [UInt8]) {
        let path = images.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
        let header: [UInt8] = [0, 0, 8, 1, 0, 0, 0, UInt8(values.count)]
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(header + values)))
    }

    private func trainingRows(_ shard: DatasetShard) -> Matrix {
        guard case .dense(let m) = shard.training.features else { return Matrix(rows: 0, cols: 0) }
        return m
    }

    func testIDXFilesAreConcatenatedInOrderWithTheirLabels() throws {
        let a = images("a", rows: 3, first: 0, firstLabel: 0)
        let b = images("b", rows: 2, first: 100, firstLabel: 3)
        let shard = try Dataset.load(DatasetSpec(paths: [a, b], testSize: 0), world: world)
        XCTAssertEqual(shard.inputRows, 5)
        XCTAssertEqual(trainingRows(shard).storage, ((0..<12).map { Float($0) } + (100..<108).map { Float($0) }).map { $0 / 255 })
        XCTAssertEqual(shard.labelNames, ["0", "1", "2", "3", "4"])
        XCTAssertEqual(shard.training.labels, [0, 1, 2, 3, 4])

        let reversed = try Dataset.load(DatasetSpec(paths: [b, a], testSize: 0), world: world)
        XCTAssertEqual(trainingRows(reversed).rows(0..<2), trainingRows(shard).rows(3..<5))
        XCTAssertEqual(reversed.training.labels, [3, 4, 0, 1, 2])
    }

    func testTheSplitAndMaxRowsSpanTheFiles() throws {
        let a = images("sa", rows: 4, first: 0, firstLabel: 0)
        let b = images("sb", rows: 4, first: 16, firstLabel: 4)
        let whole = Matrix(rows: 8, cols: 4, storage: (0..<32).map { Float($0) / 255 })
        let shard = try Dataset.load(DatasetSpec(paths: [a, b], testSize: 0.25, seed: 5, validationRows: 2), world: world)
        let split = TrainTestSplit(rows: 8, testSize: 0.25, seed: 5)
        XCTAssertEqual(shard.training.sourceRows, split.train)
        XCTAssertEqual(trainingRows(shard), whole.gatherRows(split.train))
        XCTAssertEqual(shard.training.labels.map { $0.map { shard.labelNames[$0] } }, split.train.map(String.init))

        let capped = try Dataset.load(DatasetSpec(paths: [a, b], testSize: 0, maxRows: 6), world: world)
        XCTAssertEqual(trainingRows(capped), whole.rows(0..<6))
        // Files wholly past the cap are not read: a missing labels file there does not matter.
        let c = images("sc", rows: 2, first: 0, firstLabel: nil)
        XCTAssertEqual(try Dataset.load(DatasetSpec(paths: [a, c], testSize: 0, maxRows: 4), world: world).inputRows, 4)
    }

    func testNPYAndTextCSVFilesConcatenate() throws {
        let x = Matrix(rows: 2, cols: 3, storage: (0..<6).map(Float.init))
        let y = Matrix(rows: 3, cols: 3, storage: (6..<15).map(Float.init))
        let paths = [Fixtures.file("x.npy", NPY.encode(x)), Fixtures.file("y.npy", NPY.encode(y))]
        XCTAssertEqual(trainingRows(try Dataset.load(DatasetSpec(paths: paths, testSize: 0), world: world)).storage, (0..<15).map(Float.init))

        let first = Fixtures.file("r1.csv", "review,sentiment\ngreat film,positive\n")
        let second = Fixtures.file("r2.csv", "review,sentiment\nawful film,negative\nfilm film,positive\n")
        let text = try Dataset.load(DatasetSpec(paths: [first, second], testSize: 0), world: world)
        XCTAssertEqual(text.inputRows, 3)
        XCTAssertEqual(text.training.labels.map { $0.map { text.labelNames[$0] } }, ["positive", "negative", "positive"])
        XCTAssertEqual(text.vocabulary?.terms.sorted(), ["awful", "film", "great"], "the vocabulary is fitted over both files")
    }

    func testPartsThatDoNotFitTogetherAreRefusedNamingTheFiles() {
        let labelled = images("la", rows: 2, first: 0, firstLabel: 0)
        let unlabelled = images("lb", rows: 2, first: 0, firstLabel: nil)
        XCTAssertEqual(failure([labelled, unlabelled]),
                       "\(labelled) has labels but \(unlabelled) has none; the files given together must all have labels (or pass --no-labels)")
        let wide = Fixtures.idx("wide-images-idx3-ubyte", dimensions: [2, 3, 3], values: [UInt8](repeating: 1, count: 18))
        labels(beside: wide, [0, 1])
        XCTAssertEqual(failure([labelled, wide]),
                       "\(wide) has 9 columns per row, but \(labelled) has 4; the files given together must be equally wide")
        let npy = Fixtures.file("m.npy", NPY.encode(Matrix(rows: 1, cols: 4)))
        XCTAssertEqual(failure([labelled, npy]),
                       "the input files are of different formats: \(labelled) (idx), \(npy) (npy); several --input files are concatenated and must be of one format")
        XCTAssertEqual(failure([labelled, "/nonexistent/b-images-idx3-ubyte"]), "/nonexistent/b-images-idx3-ubyte: no such file")
    }

    func testASpecWrittenWithOnePathStillReads() throws {
        let old = #"{"path":"a.csv","text_column":"review","label_column":null,"max_features":5000,"test_size":0.5,"seed":13,"validation_rows":2000}"#
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let spec = try decoder.decode(DatasetSpec.self, from: Data(old.utf8))
        XCTAssertEqual(spec, DatasetSpec(path: "a.csv", labelColumn: .none))
    }

    private func failure(_ paths: [String]) -> String {
        do {
            _ = try Dataset.load(DatasetSpec(paths: paths, testSize: 0), world: world)
            XCTFail("loading \(paths) should fail")
        } catch let failure as RankFailure {
            return failure.message
        } catch {
            XCTFail("expected an agreed RankFailure, got \(error)")
        }
        return ""
    }
}
