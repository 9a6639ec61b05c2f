import Collectives
import LinearAlgebra
import Neighbors
import TestSupport
import XCTest

final class ApproximateKNNTests: XCTestCase {
    private func recall(_ found: KNNGraph, _ truth: KNNGraph) -> Double {
        let k = truth.k
        var hits = 0
        for r in 0..<truth.rows.count {
            let expected = Set(truth.indices[r * k..<(r + 1) * k])
            hits += found.indices[r * k..<(r + 1) * k].filter { expected.contains($0) }.count
        }
        return Double(hits) / Double(truth.indices.count)
    }

    func testRecallOnClusteredDataOf20000PointsIsAtLeast95Percent() {
        let blobs = SyntheticBlobs(rows: 20_000, dims: 10, clusters: 20, separation: 2, seed: 11)
        let x = Matrix(rows: blobs.rows, cols: blobs.dims, storage: blobs.values)
        let k = 15
        let approximate = ApproximateKNN.search(x, k: k, metric: .euclidean,
                                                parameters: .pynndescentDefaults(rows: x.rows, k: k), seed: 13,
                                                world: LocalCommunicator(), threads: 2)
        let exact = ExactKNN.search(x, queries: 0..<x.rows, k: k, metric: .euclidean, threads: 2)
        XCTAssertEqual(approximate.rows, 0..<x.rows)
        XCTAssertGreaterThanOrEqual(recall(approximate, exact), 0.95)
        for r in 0..<x.rows { XCTAssertEqual(Int(approximate.indices[r * k]), r) }
    }

    func testResultDoesNotDependOnTheThreadCount() {
        let blobs = SyntheticBlobs(rows: 3000, dims: 6, clusters: 5, separation: 2, seed: 3)
        let x = Matrix(rows: blobs.rows, cols: blobs.dims, storage: blobs.values)
        let parameters = NNDescentParameters.pynndescentDefaults(rows: x.rows, k: 10)
        let one = ApproximateKNN.search(x, k: 10, metric: .cosine, parameters: parameters, seed: 7, world: LocalCommunicator(), threads: 1)
        let two = ApproximateKNN.search(x, k: 10, metric: .cosine, parameters: parameters, seed: 7, world: LocalCommunicator(), threads: 2)
        XCTAssertEqual(one, two)
    }

    func testDefaultsFollowPynndescent() {
        let p = NNDescentParameters.pynndescentDefaults(rows: 25_000, k: 50)
        XCTAssertEqual(p.trees, 9)       // round(2 · log10 25000) = 9
        XCTAssertEqual(p.iterations, 15) // round(log2 25000) = 15
        XCTAssertEqual(p.maxCandidates, 50)
        XCTAssertEqual(NNDescentParameters.pynndescentDefaults(rows: 1_000_000, k: 100).trees, 12)
        XCTAssertEqual(NNDescentParameters.pynndescentDefaults(rows: 1_000_000, k: 100).maxCandidates, 60)
        XCTAssertEqual(NNDescentParameters.pynndescentDefaults(rows: 100, k: 5).trees, 4)
        XCTAssertEqual(KNNMethod.auto.resolved(rows: 1000), .exact)
        XCTAssertEqual(KNNMethod.auto.resolved(rows: 1_000_000), .approximate)
    }
}
