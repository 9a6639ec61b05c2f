import Foundation
import Storage
import TestSupport
import XCTest

/// `--manifold isomap` runs the embed stage with Isomap (the tutorial's alternative to UMAP), predict
/// places new rows into it, and `--map` chooses what the pictures are drawn on.
final class ManifoldChoiceTests: XCTestCase {
    private func embedSection(_ directory: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/metrics.json"))
        let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(metrics["embed"] as? [String: Any])
    }

    func testIsomapEmbedsPredictPlacesIntoItAndSwitchingRecomputes() throws {
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

        // predict places new rows into the Isomap embedding: the same bytes at np 1 and np 2, and the
        // training rows land on (nearly: re-encoded codes) their own coordinates.
        let product = TestPaths.product("n2d-mpi").path
        let one = try ProcessRunner.run(product, ["predict", "--model", dir, "--split", "test", "--output-dir", dir + "/p1"], timeout: 300)
        XCTAssertEqual(one.status, 0, one.stderr)
        let two = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                           ["predict", "--model", dir, "--split", "test", "--output-dir", dir + "/p2"], timeout: 300)
        XCTAssertEqual(two.status, 0, two.stderr)
        let placed = try NPY.readMatrix(path: dir + "/p1/umap.npy")
        XCTAssertEqual(placed.rows, 600)
        XCTAssertEqual(placed.cols, 5)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/p1/umap.npy")),
                       try Data(contentsOf: URL(fileURLWithPath: dir + "/p2/umap.npy")), "np 1 and np 2 place alike")
        let train = try ProcessRunner.run(product, ["predict", "--model", dir, "--split", "train", "--output-dir", dir + "/pt"], timeout: 300)
        XCTAssertEqual(train.status, 0, train.stderr)
        let own = try NPY.readMatrix(path: dir + "/umap.npy"), again = try NPY.readMatrix(path: dir + "/pt/umap.npy")
        XCTAssertEqual(again.rows, own.rows)
        for c in 0..<own.cols {
            let column = (0..<own.rows).map { own.storage[$0 * own.cols + c] }
            let range = column.max()! - column.min()!
            let worst = (0..<own.rows).map { abs(again.storage[$0 * own.cols + c] - column[$0]) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-3 * range, "component \(c): training rows placed against their coordinates")
        }

        // Without isomap-placement.npy (an older run's directory), the model is written without the
        // placement, with a warning, and predict refuses it, saying how to make one it can use.
        try FileManager.default.removeItem(atPath: dir + "/isomap-placement.npy")
        let stale = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", base + ["--manifold", "isomap", "--isomap-neighbors", "15"],
                                             timeout: 300)
        XCTAssertEqual(stale.status, 0, stale.stderr)
        XCTAssertTrue(stale.stderr.contains("embed: skipped"), stale.stderr)
        XCTAssertTrue(stale.stderr.contains("isomap-placement.npy is missing"), stale.stderr)
        let refused = try ProcessRunner.run(product, ["predict", "--model", dir, "--split", "test", "--output-dir", dir + "/pr"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("holds no placement of new rows") && refused.stderr.contains("--force"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/pr/umap.npy"), "a refused predict writes nothing")

        let umap = try ProcessRunner.run(TestPaths.product("n2d-mpi").path, base, timeout: 300)
        XCTAssertEqual(umap.status, 0, umap.stderr)
        XCTAssertTrue(umap.stderr.contains("train: skipped"), umap.stderr)
        XCTAssertFalse(umap.stderr.contains("embed: skipped"), "another manifold is another embedding: \(umap.stderr)")
        XCTAssertEqual(try embedSection(dir)["method"] as? String, "umap")
    }
}
