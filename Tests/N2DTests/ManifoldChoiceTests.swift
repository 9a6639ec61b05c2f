import Foundation
import TestSupport
import XCTest

/// `--manifold isomap` runs the embed stage with Isomap (the tutorial's alternative to UMAP), and
/// `--map` chooses what the pictures are drawn on.
final class ManifoldChoiceTests: XCTestCase {
    private func embedSection(_ directory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/metrics.json"))
        let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(metrics["embed"] as? [String: Any])
    }

    func testIsomapEmbedsSwitchingRecomputesAndPredictSaysItCannotPlaceIntoIsomap() throws {
        let dir = TestPaths.temporaryDirectory("isomap-run").path
        let base = ["run", "--input", TestPaths.imdbCSV.path, "--max-rows", "1200", "--epochs", "1", "--hidden", "64,32",
                    "--map", "umap", "--umap-epochs", "50", "--output-dir", dir]
        let isomap = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", base + ["--manifold", "isomap", "--isomap-neighbors", "15"],
                                              timeout: 300)
        XCTAssertEqual(isomap.status, 0, isomap.stderr)
        XCTAssertTrue(isomap.stderr.contains("exact Isomap (600 rows, 15 neighbours → 5 dimensions)"), isomap.stderr)
        let section = try embedSection(dir)
        XCTAssertEqual(section["method"] as? String, "isomap")
        XCTAssertEqual((section["eigenvalues"] as? [Double])?.count, 5)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/map_kmeans.png"))

        let refused = try ProcessRunner.run(TestPaths.product("n2d-mpi").path,
                                            ["predict", "--model", dir, "--split", "test", "--output-dir", dir + "/p"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("predict places new rows into UMAP embeddings only"), refused.stderr)

        let umap = try ProcessRunner.run(TestPaths.product("n2d-mpi").path, base, timeout: 300)
        XCTAssertEqual(umap.status, 0, umap.stderr)
        XCTAssertTrue(umap.stderr.contains("train: skipped"), umap.stderr)
        XCTAssertFalse(umap.stderr.contains("embed: skipped"), "another manifold is another embedding: \(umap.stderr)")
        XCTAssertEqual(try embedSection(dir)["method"] as? String, "umap")
    }
}
