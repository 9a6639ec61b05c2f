import Clustering
import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// `n2d-mpi cluster` end to end: files, messages, and the same result on 1 and 2 ranks.
final class ClusterCommandTests: XCTestCase {
    /// Four blobs (1,200 rows, 3 dims) as umap.npy, with their labels as a CSV in the directory.
    private func makeOutputDirectory() throws -> URL {
        let dir = TestPaths.temporaryDirectory("cluster-cli")
        let (points, truth) = Fixtures.blobs(centers: [[0, 0, 0], [5, 0, 0], [0, 5, 0], [0, 0, 5]], perBlob: 300, spread: 0.7, seed: 11)
        try Data(NPY.encode(points)).write(to: dir.appendingPathComponent("umap.npy"))
        // Class 0's name holds a comma, so it is quoted, as CSV writers do.
        let names = truth.map { $0 == 0 ? "\"pos,itive\"" : "class \($0)" }
        let csv = "source_id,true_label\n" + names.enumerated().map { "review-\($0),\($1)" }.joined(separator: "\n") + "\n"
        try csv.write(to: dir.appendingPathComponent("true_labels.csv"), atomically: true, encoding: .utf8)
        return dir
    }

    /// np 2 (KMeans and the mixture sharded over ranks) writes exactly the labels.csv of np 1, and the
    /// same inertia and log-likelihood; the metrics carry ACC/NMI/ARI from true_labels.csv.
    func testTwoRanksEqualOneRank() throws {
        var outputs: [(labels: String, metrics: [String: Any])] = []
        for ranks in [1, 2] {
            let dir = try makeOutputDirectory()
            let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi",
                ["cluster", "--output-dir", dir.path, "--dbscan-eps", "1", "--dbscan-min-samples", "10",
                 "--kmeans-clusters", "4", "--kmeans-n-init", "3", "--gmm-components", "4", "--silhouette-sample", "500"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("kmeans"), result.stdout)
            let labels = try String(contentsOf: dir.appendingPathComponent("labels.csv"), encoding: .utf8)
            let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as! [String: Any]
            outputs.append((labels, metrics["cluster"] as! [String: Any]))
        }
        XCTAssertEqual(outputs[0].labels, outputs[1].labels)
        let lines = outputs[0].labels.split(separator: "\n")
        XCTAssertEqual(lines.count, 1201)
        XCTAssertEqual(lines[0], "row,source_id,true_label,dbscan,kmeans,gmm")
        XCTAssertTrue(lines[1].hasPrefix("0,review-0,\"pos,itive\","), String(lines[1]))
        for name in ["kmeans", "gmm", "dbscan"] {
            let one = outputs[0].metrics[name] as! [String: Any], two = outputs[1].metrics[name] as! [String: Any]
            XCTAssertEqual(one["sizes"] as! [Int], two["sizes"] as! [Int], name)
            // DBSCAN leaves the blobs' sparse edges as noise; the others recover the blobs exactly.
            XCTAssertEqual(one["ari"] as! Double, 1, accuracy: name == "dbscan" ? 0.05 : 1e-9, name)
            XCTAssertEqual(one["acc"] as! Double, 1, accuracy: name == "dbscan" ? 0.05 : 1e-9, name)
        }
        let inertia = ((outputs[0].metrics["kmeans"] as! [String: Any])["inertia"] as! Double,
                       (outputs[1].metrics["kmeans"] as! [String: Any])["inertia"] as! Double)
        XCTAssertEqual(inertia.0, inertia.1, accuracy: 1e-9 * inertia.0)
        let likelihood = ((outputs[0].metrics["gmm"] as! [String: Any])["log_likelihood"] as! Double,
                          (outputs[1].metrics["gmm"] as! [String: Any])["log_likelihood"] as! Double)
        XCTAssertEqual(likelihood.0, likelihood.1, accuracy: 1e-9 * abs(likelihood.0))
    }

    /// Mistakes users make get messages that name the flag or file and what to do.
    func testMessagesForBadInputs() throws {
        let dir = try makeOutputDirectory()
        func run(_ extra: [String]) throws -> ProcessResult {
            try ProcessRunner.run(TestPaths.product("n2d-mpi").path, ["cluster", "--output-dir", dir.path, "--silhouette-sample", "100"] + extra)
        }
        let badEps = try run(["--dbscan-eps", "0"])
        XCTAssertNotEqual(badEps.status, 0)
        XCTAssertTrue(badEps.stderr.contains("--dbscan-eps must be a positive number or 'auto'"), badEps.stderr)
        let badMin = try run(["--dbscan-min-samples", "0"])
        XCTAssertTrue(badMin.stderr.contains("--dbscan-min-samples must be at least 1"), badMin.stderr)
        let badK = try run(["--kmeans-clusters", "0"])
        XCTAssertTrue(badK.stderr.contains("--kmeans-clusters must be at least 1"), badK.stderr)
        // At run time, on 2 ranks: every rank stops with exit 1 and rank 0 prints the message.
        let tooMany = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                               ["cluster", "--output-dir", dir.path, "--kmeans-clusters", "5000"])
        XCTAssertEqual(tooMany.status, 1)
        XCTAssertTrue(tooMany.stderr.contains("cannot make 5000 clusters from 1200 rows; lower --kmeans-clusters"), tooMany.stderr)
        try "1\n2\n".write(to: dir.appendingPathComponent("short.txt"), atomically: true, encoding: .utf8)
        let short = try run(["--labels", dir.appendingPathComponent("short.txt").path])
        XCTAssertTrue(short.stderr.contains("short.txt: holds 2 labels but the embedding has 1200 rows"), short.stderr)
        let missing = try run(["--embedding", dir.appendingPathComponent("nope.npy").path])
        XCTAssertTrue(missing.stderr.contains("nope.npy: no such file"), missing.stderr)
    }

    /// A DBSCAN that finds one cluster (eps too large) or only noise (too small) says so and points
    /// to --dbscan-eps auto; auto reports the eps it chose and separates the blobs.
    func testDegenerateDBSCANIsExplainedAndAutoEpsIsReported() throws {
        let dir = try makeOutputDirectory()
        func run(_ eps: String) throws -> String {
            let result = try ProcessRunner.run(TestPaths.product("n2d-mpi").path,
                ["cluster", "--output-dir", dir.path, "--dbscan-eps", eps, "--dbscan-min-samples", "10", "--silhouette-sample", "100"])
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout
        }
        XCTAssertTrue(try run("50").contains("found a single cluster and no noise"))
        XCTAssertTrue(try run("50").contains("Try --dbscan-eps auto"))
        XCTAssertTrue(try run("0.001").contains("labelled every row noise"))
        let auto = try run("auto")
        XCTAssertTrue(auto.contains("--dbscan-eps auto chose eps"), auto)
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("metrics.json"))) as! [String: Any]
        let dbscan = (metrics["cluster"] as! [String: Any])["dbscan"] as! [String: Any]
        XCTAssertEqual(dbscan["clusters"] as? Int, 4)
        XCTAssertEqual(dbscan["eps_auto"] as? Bool, true)
    }
}
