import Collectives
import LinearAlgebra
import Neighbors
import TestSupport
import UMAP
import XCTest

final class SpectralInitializationTests: XCTestCase {
    /// The fuzzy graph of two blobs `gap` apart along every axis.
    private func twoBlobGraph(gap: Float, rows: Int = 400) -> (CSRMatrix, [Int]) {
        let blobs = SyntheticBlobs(rows: rows, dims: 4, clusters: 1, separation: 0, seed: 8)
        var values = blobs.values
        let labels = (0..<rows).map { $0 < rows / 2 ? 0 : 1 }
        for i in 0..<rows where labels[i] == 1 { for t in 0..<4 { values[i * 4 + t] += gap } }
        let k = 10
        let knn = ExactKNN.search(Matrix(rows: rows, cols: 4, storage: values), queries: 0..<rows, k: k, metric: .euclidean)
        let smooth = SmoothKNNDistances(graph: knn, meanDistance: 1)
        let graph = FuzzySimplicialSet(indices: knn.indices, memberships: smooth.memberships(of: knn), rows: rows, k: k).graph
        return (graph, labels)
    }

    /// Whether some coordinate puts every point of blob 0 on one side of every point of blob 1.
    private func separated(_ e: Matrix, _ labels: [Int]) -> Bool {
        (0..<e.cols).contains { c in
            let zero = (0..<e.rows).filter { labels[$0] == 0 }.map { e[$0, c] }
            let one = (0..<e.rows).filter { labels[$0] == 1 }.map { e[$0, c] }
            return zero.max()! < one.min()! || one.max()! < zero.min()!
        }
    }

    func testDisconnectedBlobsAreEmbeddedApart() {
        let (graph, labels) = twoBlobGraph(gap: 50)
        let result = SpectralInitialization.layout(graph: graph, dim: 2, seed: 1, world: LocalCommunicator())
        XCTAssertTrue(result.method.contains("2 connected components"), result.method)
        XCTAssertTrue(separated(result.embedding, labels))
        XCTAssertTrue(result.embedding.storage.allSatisfy(\.isFinite))
    }

    func testFiedlerVectorSplitsTwoTouchingBlobs() {
        // One connected component: the blobs overlap slightly, the second eigenvector splits them.
        let (graph, labels) = twoBlobGraph(gap: 3.2)
        let result = SpectralInitialization.layout(graph: graph, dim: 2, seed: 1, world: LocalCommunicator())
        XCTAssertEqual(result.method, "spectral")
        let first = (0..<graph.rows).map { result.embedding[$0, 0] }
        let threshold = first.sorted()[graph.rows / 2]
        let agree = (0..<graph.rows).filter { (first[$0] >= threshold) == (labels[$0] == 1) }.count
        XCTAssertGreaterThanOrEqual(max(agree, graph.rows - agree), graph.rows * 95 / 100)
    }
}
