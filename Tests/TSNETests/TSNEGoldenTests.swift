import Collectives
import Evaluation
import Foundation
import LinearAlgebra
import Storage
import TSNE
import TestSupport
import XCTest

/// t-SNE on the golden blobs (3000 × 10, ../shared/golden/manifold) against scikit-learn's
/// `TSNE(n_components=2, random_state=13)`: KL within 5% and trustworthiness (k = 10) within 0.01;
/// the same blobs as a sparse (CSR) matrix within 0.01 of the dense run's trustworthiness.
final class TSNEGoldenTests: XCTestCase {
    func testBlobsMatchScikitLearnAndTheSparseBlobsMatchTheDenseRun() throws {
        let data = try NPY.readMatrix(path: GoldenManifold.url("blobs_3000x10.npy").path)
        let goldenKL = try GoldenManifold.value("tsne_blobs", "kl_divergence")
        let goldenTrust = try GoldenManifold.value("tsne_blobs", "trustworthiness_k10")

        var start = Date()
        let dense = try TSNE.fit(data, world: LocalCommunicator(), threads: 2)
        let denseSeconds = Date().timeIntervalSince(start)
        let denseTrust = Trustworthiness.score(original: data, embedded: dense.embedding, neighbors: 10, threads: 2)
        print("tsne golden dense: KL \(dense.klDivergence) (scikit-learn \(goldenKL)), trustworthiness \(denseTrust) (\(goldenTrust)), \(dense.iterations) iterations, \(String(format: "%.2f", denseSeconds)) s")
        XCTAssertEqual(dense.klDivergence, goldenKL, accuracy: 0.05 * goldenKL, "KL within 5% of scikit-learn's")
        XCTAssertEqual(denseTrust, goldenTrust, accuracy: 0.01, "trustworthiness within 0.01 of scikit-learn's")
        XCTAssertEqual(dense.iterations, 1000)
        XCTAssertEqual(dense.initialisation, "pca")
        XCTAssertEqual(dense.neighbors, 91)

        start = Date()
        let sparse = try TSNE.fit(.sparse(CSRMatrix(dense: data)), world: LocalCommunicator(), threads: 2)
        let sparseSeconds = Date().timeIntervalSince(start)
        let sparseTrust = Trustworthiness.score(original: data, embedded: sparse.embedding, neighbors: 10, threads: 2)
        print("tsne golden sparse: KL \(sparse.klDivergence), trustworthiness \(sparseTrust) (dense \(denseTrust)), start \(sparse.initialisation), \(String(format: "%.2f", sparseSeconds)) s")
        XCTAssertEqual(sparse.initialisation, "random")
        XCTAssertEqual(sparseTrust, denseTrust, accuracy: 0.01, "sparse trustworthiness within 0.01 of the dense run's")
        XCTAssertEqual(sparse.klDivergence, goldenKL, accuracy: 0.05 * goldenKL, "sparse KL within 5% of scikit-learn's dense KL")
    }
}
