import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// `n2d-mpi predict` through the real binary: the training rows find their own clusters again, any
/// rank count gives the same bytes, and bad requests are refused with nothing written.
final class PredictTests: XCTestCase {
    /// 800 rows of 4 separated blobs in 12 dimensions, with labels, as a numeric CSV.
    private func blobs(_ directory: String, columns: Int = 12) throws -> String {
        let data = SyntheticBlobs(rows: 800, dims: columns, clusters: 4, separation: 8, seed: 21)
        var text = (0..<columns).map { "x\($0)" }.joined(separator: ",") + ",label\n"
        for i in 0..<data.rows {
            text += (0..<columns).map { String(data.values[i * columns + $0]) }.joined(separator: ",") + ",blob\(data.labels[i])\n"
        }
        let path = directory + "/blobs\(columns).csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func labelsColumns(_ path: String) throws -> [String: [String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        var columns: [String: [String]] = [:]
        for (j, name) in lines[0].enumerated() { columns[name] = lines.dropFirst().map { $0[j] } }
        return columns
    }

    func testTrainingRowsFindTheirClustersAndEveryRankCountGivesTheSameBytes() throws {
        let root = TestPaths.temporaryDirectory("predict").path
        let input = try blobs(root)
        let run = root + "/run"
        let fit = try ProcessRunner.run(TestPaths.product("n2d-mpi").path, [
            "run", "--input", input, "--format", "numeric-csv", "--label-column", "label", "--test-size", "0.25",
            "--hidden", "32,16", "--bottleneck", "4", "--epochs", "15", "--batch-size", "32", "--umap-neighbors", "15",
            "--umap-components", "2", "--umap-epochs", "100", "--dbscan-eps", "auto", "--dbscan-min-samples", "10",
            "--kmeans-clusters", "4", "--gmm-components", "4", "--no-plots", "--output-dir", run], timeout: 600)
        XCTAssertEqual(fit.status, 0, fit.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run + "/model.n2d"), "run leaves no model")
        let info = try ProcessRunner.run(TestPaths.product("n2d-mpi").path, ["model", "info", run])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertTrue(info.stdout.contains("kmeans: 4 centroids") && info.stdout.contains("gmm: 4"), info.stdout)

        // The training rows placed again: each finds its own cluster (a sanity check: it is among its neighbours).
        let again = root + "/again"
        let train = try ProcessRunner.run(TestPaths.product("n2d-mpi").path,
                                          ["predict", "--model", run, "--split", "train", "--output-dir", again], timeout: 300)
        XCTAssertEqual(train.status, 0, train.stderr)
        let fitted = try labelsColumns(run + "/labels.csv"), placed = try labelsColumns(again + "/labels.csv")
        XCTAssertEqual(placed["source_id"], fitted["source_id"], "the train split's rows in the same order")
        for name in ["kmeans", "gmm"] {
            let (a, b) = (try XCTUnwrap(fitted[name]), try XCTUnwrap(placed[name]))
            let agree = zip(a, b).filter { $0 == $1 }.count
            XCTAssertGreaterThanOrEqual(Double(agree) / Double(a.count), 0.95, "\(name): \(agree) of \(a.count)")
        }
        let (d0, d1) = (try XCTUnwrap(fitted["dbscan"]), try XCTUnwrap(placed["dbscan"]))
        let clustered = zip(d0, d1).filter { $0.0 != "-1" }
        XCTAssertGreaterThan(clustered.count, 0)
        XCTAssertGreaterThanOrEqual(Double(clustered.filter { $0.0 == $0.1 }.count) / Double(clustered.count), 0.95)

        // The held-out rows at np 1, 2 and 4: the same bytes.
        var outputs: [[Data]] = []
        for ranks in [1, 2, 4] {
            let out = root + "/test-np\(ranks)"
            let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi",
                                                  ["predict", "--model", run, "--split", "test", "--output-dir", out], timeout: 300)
            XCTAssertEqual(result.status, 0, result.stderr)
            outputs.append(try ["labels.csv", "codes.npy", "umap.npy"].map { try Data(contentsOf: URL(fileURLWithPath: out + "/" + $0)) })
        }
        XCTAssertEqual(outputs[0], outputs[1], "np 1 and np 2 differ")
        XCTAssertEqual(outputs[0], outputs[2], "np 1 and np 4 differ")
        let test = try labelsColumns(root + "/test-np1/labels.csv")
        XCTAssertEqual(test["row"]?.count, 200, "the test split holds a quarter of the 800 rows")
        let metrics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/test-np1/metrics.json"))) as? [String: Any])
        let kmeans = try XCTUnwrap((metrics["predict"] as? [String: Any])?["kmeans"] as? [String: Any])
        XCTAssertGreaterThan(kmeans["ari"] as? Double ?? 0, 0.9, "held-out blobs land in their blobs' clusters: \(kmeans)")

        // Refusals: another width, a damaged model; nothing written.
        let narrow = try blobs(root, columns: 9)
        let wrong = try ProcessRunner.run(TestPaths.product("n2d-mpi").path,
                                          ["predict", "--model", run, "--input", narrow, "--format", "numeric-csv", "--output-dir", root + "/wrong"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("has 9 columns, but the model was trained on 12"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/wrong"))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: run + "/model.n2d"))
        bytes[bytes.count - 5] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: run + "/model.n2d"))
        let damaged = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                               ["predict", "--model", run, "--output-dir", root + "/damaged"], timeout: 120)
        XCTAssertNotEqual(damaged.status, 0)
        XCTAssertTrue(damaged.stderr.contains("is damaged: section"), damaged.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/damaged"))
    }
}
