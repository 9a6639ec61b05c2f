import Clustering
import Evaluation
import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// The real `n2d-mpi embed` against umap-learn on the golden data (../shared/golden/manifold), with
/// umap-learn's settings (15 neighbours, min_dist 0.1, 2 dimensions, euclidean): trustworthiness
/// (k = 10) within 0.01 of umap-learn's on the blobs and the swiss roll, and KMeans (8) on the blobs'
/// embedding at most 0.02 ARI below umap-learn's, at 1 and 2 ranks.
final class UMAPGoldenQualityTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = TestPaths.temporaryDirectory("umap-golden") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// umap.npy of `n2d-mpi embed` on the golden file `name` at `ranks` ranks.
    private func embed(_ name: String, ranks: Int) throws -> Matrix {
        let out = directory.appendingPathComponent("\(name)-np\(ranks)").path
        let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi", [
            "embed", "--codes", GoldenManifold.url(name).path, "--output-dir", out, "--umap-neighbors", "15",
            "--umap-min-dist", "0.1", "--umap-components", "2", "--umap-metric", "euclidean", "--knn", "exact",
        ], timeout: 600)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try NPY.readMatrix(path: out + "/umap.npy")
    }

    func testTrustworthinessAndKMeansMatchUMAPLearnAtOneAndTwoRanks() throws {
        let blobs = try NPY.readMatrix(path: GoldenManifold.url("blobs_3000x10.npy").path)
        let roll = try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_2000x3.npy").path)
        let truth = try GoldenManifold.labels("blobs_labels.npy")
        let blobsTrust = try GoldenManifold.value("umap_blobs", "trustworthiness_k10")
        let rollTrust = try GoldenManifold.value("umap_swiss_roll", "trustworthiness_k10")
        let blobsARI = try GoldenManifold.value("umap_blobs", "kmeans8_ari_vs_truth")
        for ranks in [1, 2] {
            let blobsEmbedding = try embed("blobs_3000x10.npy", ranks: ranks)
            let t = Trustworthiness.score(original: blobs, embedded: blobsEmbedding, neighbors: 10, threads: 2)
            XCTAssertEqual(t, blobsTrust, accuracy: 0.01, "blobs trustworthiness at np \(ranks) (umap-learn \(blobsTrust))")
            let kmeans = try KMeans(clusters: 8, initializations: 10, seed: 13).fit(points: blobsEmbedding)
            let ari = ClusteringScores.adjustedRandIndex(truth: truth, predicted: kmeans.labels)
            XCTAssertGreaterThanOrEqual(ari, blobsARI - 0.02, "KMeans ARI on the blobs' embedding at np \(ranks) (umap-learn \(blobsARI))")

            let rollEmbedding = try embed("swiss_roll_2000x3.npy", ranks: ranks)
            let r = Trustworthiness.score(original: roll, embedded: rollEmbedding, neighbors: 10, threads: 2)
            XCTAssertEqual(r, rollTrust, accuracy: 0.01, "swiss roll trustworthiness at np \(ranks) (umap-learn \(rollTrust))")
            print("umap golden np \(ranks): blobs trustworthiness \(t) (umap-learn \(blobsTrust)), KMeans ARI \(ari) (\(blobsARI)); swiss roll \(r) (\(rollTrust))")
        }
    }
}
