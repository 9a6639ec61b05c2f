import Foundation
import LinearAlgebra
import Neighbors
import TestSupport
import UMAP
import XCTest

final class FuzzySimplicialSetTests: XCTestCase {
    private func blobGraph(rows: Int, k: Int) -> KNNGraph {
        let blobs = SyntheticBlobs(rows: rows, dims: 5, clusters: 3, separation: 3, seed: 21)
        return ExactKNN.search(Matrix(rows: rows, cols: 5, storage: blobs.values), queries: 0..<rows, k: k, metric: .euclidean)
    }

    func testCurveParametersMatchUmapLearn() throws {
        let data = try Data(contentsOf: TestPaths.golden("umap_ab_params.json"))
        let golden = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: [String: Double]])
        for (minDist, key) in [(Float(0), "spread=1,min_dist=0.0"), (0.1, "spread=1,min_dist=0.1")] {
            let fit = CurveParameters.fit(minDist: minDist, spread: 1)
            XCTAssertEqual(Double(fit.a), try XCTUnwrap(golden[key]?["a"]), accuracy: 1e-3, key)
            XCTAssertEqual(Double(fit.b), try XCTUnwrap(golden[key]?["b"]), accuracy: 1e-3, key)
        }
    }

    func testSigmaAndRhoSolveTheDefiningEquation() {
        let k = 15
        let graph = blobGraph(rows: 600, k: k)
        let mean = graph.distances.reduce(0) { $0 + Double($1) } / Double(graph.distances.count)
        let smooth = SmoothKNNDistances(graph: graph, meanDistance: mean)
        for r in 0..<600 {
            let row = graph.distances[r * k..<(r + 1) * k].map(Double.init)
            XCTAssertEqual(Double(smooth.rhos[r]), row[1], "ρ is the nearest non-zero distance")
            let sum = row.dropFirst().reduce(0.0) { $0 + exp(-max(0, $1 - Double(smooth.rhos[r])) / Double(smooth.sigmas[r])) }
            XCTAssertEqual(sum, log2(Double(k)), accuracy: 1e-3, "row \(r)")
        }
        let weights = smooth.memberships(of: graph)
        for r in 0..<600 {
            XCTAssertEqual(weights[r * k], 0, "the point itself has no membership")
            XCTAssertEqual(weights[r * k + 1], 1, "the nearest neighbour has membership 1")
        }
    }

    func testFuzzyUnionIsSymmetricAndCombinesBothDirections() {
        let k = 10, n = 400
        let graph = blobGraph(rows: n, k: k)
        let smooth = SmoothKNNDistances(graph: graph, meanDistance: 1)
        let directed = smooth.memberships(of: graph)
        let union = FuzzySimplicialSet(indices: graph.indices, memberships: directed, rows: n, k: k).graph
        let dense = union.densified()
        var a = Matrix(rows: n, cols: n)
        for i in 0..<n { for s in 0..<k { a[i, Int(graph.indices[i * k + s])] = directed[i * k + s] } }
        for i in 0..<n {
            XCTAssertEqual(dense[i, i], 0)
            for j in 0..<n {
                XCTAssertEqual(dense[i, j], dense[j, i], "W is symmetric at (\(i), \(j))")
                let x = a[i, j], y = a[j, i]
                XCTAssertEqual(dense[i, j], x + y - x * y, accuracy: 1e-6)
            }
        }
        for i in 0..<n { XCTAssertEqual(union.columnIndices[union.rowPointers[i]..<union.rowPointers[i + 1]].sorted(),
                                        Array(union.columnIndices[union.rowPointers[i]..<union.rowPointers[i + 1]])) }
    }
}
