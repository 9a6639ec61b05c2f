import Collectives
import LinearAlgebra
import Neighbors
import TestSupport
import UMAP
import XCTest

final class UMAPEmbeddingTests: XCTestCase {
    /// Leave-one-out 1-NN accuracy of `labels` in `e`.
    static func nearestNeighbourAccuracy(_ e: Matrix, _ labels: [Int]) -> Double {
        let knn = ExactKNN.search(e, queries: 0..<e.rows, k: 2, metric: .euclidean)
        let hits = (0..<e.rows).filter { labels[Int(knn.indices[2 * $0 + 1])] == labels[$0] }.count
        return Double(hits) / Double(e.rows)
    }

    func testWellSeparatedBlobsStaySeparated() throws {
        let blobs = SyntheticBlobs(rows: 1200, dims: 10, clusters: 4, separation: 6, seed: 2)
        var parameters = UMAPParameters()
        parameters.neighbors = 15
        parameters.components = 2
        parameters.epochs = 200
        let result = try UMAP.fit(codes: Matrix(rows: 1200, cols: 10, storage: blobs.values), parameters: parameters,
                                  world: LocalCommunicator(), threads: 2)
        XCTAssertEqual(result.embedding.rows, 1200)
        XCTAssertEqual(result.embedding.cols, 2)
        XCTAssertTrue(result.embedding.storage.allSatisfy(\.isFinite))
        XCTAssertGreaterThanOrEqual(Self.nearestNeighbourAccuracy(result.embedding, blobs.labels), 0.99)
    }

    func testSameSeedGivesTheSameEmbedding() throws {
        let blobs = SyntheticBlobs(rows: 500, dims: 6, clusters: 3, separation: 4, seed: 4)
        var parameters = UMAPParameters()
        parameters.neighbors = 10
        parameters.epochs = 50
        let x = Matrix(rows: 500, cols: 6, storage: blobs.values)
        let one = try UMAP.embed(codes: x, parameters: parameters, world: LocalCommunicator(), threads: 1)
        let two = try UMAP.embed(codes: x, parameters: parameters, world: LocalCommunicator(), threads: 2)
        XCTAssertEqual(one, two, "threads must not change the result")
    }

    func testParametersThatCannotRunNameTheFlag() {
        var parameters = UMAPParameters()
        parameters.neighbors = 50
        XCTAssertThrowsError(try parameters.validate(rows: 20)) { error in
            XCTAssertTrue("\(error)".contains("--umap-neighbors"), "\(error)")
        }
    }
}
