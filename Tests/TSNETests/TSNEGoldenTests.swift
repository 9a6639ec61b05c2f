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
/// the same blobs as a sparse matrix within 0.01 of the dense run's trustworthiness.
final class TSNEGoldenTests: XCTestCase {
    private func blobs() throws -> Matrix { try NPY.readMatrix(path: GoldenManifold.url("blobs_3000x10.npy").path) }

    func testBlobsMatchScikitLearnsKLAndTrustworthiness() throws {
        let data = try blobs()
        let goldenKL = try GoldenManifold.value("tsne_blobs", "kl_divergence")
        let goldenTrust = try GoldenManifold.value("tsne_blobs", "trustworthiness_k10")
        let start = Date()
        let result = try TSNE.fit(data, world: LocalCommunicator(), threads: 2)
        let seconds = Date().timeIntervalSince(start)
        let trust = Trustworthiness.score(original: data, embedded: result.embedding, neighbors: 10, threads: 2)
        print("tsne golden: KL \(result.klDivergence) (scikit-learn \(goldenKL)), trustworthiness \(trust) (\(goldenTrust)), \(result.iterations) iterations, \(String(format: "%.2f", seconds)) s \(result.seconds)")
        XCTAssertEqual(result.klDivergence, goldenKL, accuracy: 0.05 * goldenKL, "KL within 5% of scikit-learn's")
        XCTAssertEqual(trust, goldenTrust, accuracy: 0.01, "trustworthiness within 0.01 of scikit-learn's")
        XCTAssertEqual(result.iterations, 1000)
        XCTAssertEqual(result.initialisation, "pca")
    }
}
