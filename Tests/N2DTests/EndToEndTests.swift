import Foundation
import TestSupport
import XCTest

/// The whole job through the real `n2d-mpi` under mpirun, on a slice of the real IMDB CSV.
final class EndToEndTests: XCTestCase {
    /// Fast settings: 3,000 reviews (1,500 training rows), 2 epochs (nil: the preset's), a short layout.
    private func runArguments(_ directory: String, epochs: Int? = 2, extra: [String] = []) -> [String] {
        ["run", "--preset", "imdb", "--input", TestPaths.imdbCSV.path, "--max-rows", "3000"] + (epochs.map { ["--epochs", "\($0)"] } ?? [])
            + ["--umap-epochs", "100", "--output-dir", directory] + extra
    }

    private func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], path)
    }

    private func npyShape(_ path: String) throws -> [Int] {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let header = String(decoding: bytes.prefix(128), as: UTF8.self)
        let shape = try XCTUnwrap(header.range(of: "'shape': (").map { header[$0.upperBound...] }?.prefix { $0 != ")" })
        return shape.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func testIMDBSliceAtTwoRanksWritesEveryArtifactThenSkipsAndReclusters() throws {
        let dir = TestPaths.temporaryDirectory("e2e").path
        let first = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", runArguments(dir), timeout: 900)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("clusterer"), "no summary table: \(first.stdout)")

        // Every artifact exists and parses.
        for name in ["labels.csv", "codes.npy", "umap.npy", "history.csv", "metrics.json", "model.n2d", "model.ckpt", "config.json",
                     "vocabulary.tsv", "true_labels.csv", "loss.png", "map_dbscan.png", "map_kmeans.png", "map_true_labels.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + name), "missing \(name)")
        }
        let metrics = try json(dir + "/metrics.json")
        for section in ["vectorize", "train", "embed", "cluster", "run"] {
            XCTAssertNotNil(metrics[section], "metrics.json lacks \(section)")
        }
        let train = try XCTUnwrap(metrics["train"] as? [String: Any])
        XCTAssertEqual(train["epochs"] as? Int, 2)
        XCTAssertEqual(train["steps"] as? Int, 2 * Int((1500.0 / 32).rounded(.up)), "steps of 2 epochs of 1,500 rows in global batches of 32")
        let historyLast = try XCTUnwrap(String(contentsOfFile: dir + "/history.csv", encoding: .utf8)
            .split(separator: "\n").last?.split(separator: ",", omittingEmptySubsequences: false))
        // Both files hold the same 17 digits; Foundation's JSON reader can land one ulp off Double(_:).
        let (loss, validationLoss) = (try XCTUnwrap(Double(historyLast[1])), try XCTUnwrap(Double(historyLast[2])))
        XCTAssertEqual(try XCTUnwrap(train["loss"] as? Double), loss, accuracy: 1e-15 * loss, "train.loss is the last epoch's loss")
        XCTAssertEqual(try XCTUnwrap(train["val_loss"] as? Double), validationLoss, accuracy: 1e-15 * validationLoss,
                       "train.val_loss is the last epoch's val_loss")
        let trainSeconds = try XCTUnwrap(train["seconds"] as? Double)
        XCTAssertGreaterThan(trainSeconds, 0)
        XCTAssertEqual(try XCTUnwrap(train["steps_per_second"] as? Double), Double(train["steps"] as? Int ?? 0) / trainSeconds, accuracy: 1e-9)
        XCTAssertFalse((train["communication"] as? String ?? "").isEmpty, "train.communication names the path")
        let run = try XCTUnwrap(metrics["run"] as? [String: Any])
        let seconds = try XCTUnwrap(run["seconds"] as? [String: Any])
        for stage in ["vectorize", "train", "embed", "cluster", "plots", "total"] {
            XCTAssertNotNil(seconds[stage], "run.seconds lacks \(stage)")
        }
        XCTAssertEqual(try npyShape(dir + "/codes.npy"), [1500, 10])
        XCTAssertEqual(try npyShape(dir + "/umap.npy"), [1500, 5])
        let labels = try String(contentsOfFile: dir + "/labels.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(labels.first, "row,source_id,true_label,dbscan,kmeans,gmm")
        XCTAssertEqual(labels.count, 1 + 1500, "labels.csv needs one row per training row")
        let history = try String(contentsOfFile: dir + "/history.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(history.count, 1 + 2, "history.csv needs one row per epoch")
        let config = try json(dir + "/config.json")
        XCTAssertEqual(config["ranks"] as? Int, 2)
        XCTAssertEqual(config["preset"] as? String, "imdb")
        let png = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/map_kmeans.png")).prefix(8))
        XCTAssertEqual(png, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        // The held-out reviews placed into the run's clusters with its model.
        let predicted = dir + "/predicted"
        let predict = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                               ["predict", "--model", dir, "--split", "test", "--output-dir", predicted], timeout: 300)
        XCTAssertEqual(predict.status, 0, predict.stderr)
        XCTAssertEqual(try npyShape(predicted + "/umap.npy"), [1500, 5], "the 1,500 test reviews, in the run's 5 dimensions")
        let placed = try String(contentsOfFile: predicted + "/labels.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(placed.first, "row,source_id,true_label,dbscan,kmeans,gmm,gmm_probability")
        XCTAssertEqual(placed.count, 1 + 1500)

        // The same run again skips training and embedding; a new eps only re-clusters.
        let umapBefore = try FileManager.default.attributesOfItem(atPath: dir + "/umap.npy")[.modificationDate] as? Date
        let second = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", runArguments(dir, extra: ["--dbscan-eps", "0.5", "--no-plots"]),
                                              timeout: 600)
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stderr.contains("train: skipped"), second.stderr)
        XCTAssertTrue(second.stderr.contains("embed: skipped"), second.stderr)
        let umapAfter = try FileManager.default.attributesOfItem(atPath: dir + "/umap.npy")[.modificationDate] as? Date
        XCTAssertEqual(umapBefore, umapAfter, "the embedding was recomputed")
        let rerun = try json(dir + "/metrics.json")["run"] as? [String: Any]
        XCTAssertEqual(rerun?["skipped"] as? [String], ["train", "embed"])

        // `cluster` alone with another eps reuses umap.npy and still finds the true labels.
        let cluster = try ProcessRunner.run(TestPaths.product("n2d-mpi").path,
                                            ["cluster", "--output-dir", dir, "--dbscan-eps", "auto"], timeout: 300)
        XCTAssertEqual(cluster.status, 0, cluster.stderr)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: dir + "/umap.npy")[.modificationDate] as? Date, umapBefore)
        let clusterSection = try XCTUnwrap(try json(dir + "/metrics.json")["cluster"] as? [String: Any])
        XCTAssertTrue((clusterSection["true_labels"] as? String)?.hasSuffix("true_labels.csv") ?? false, "\(clusterSection)")
        XCTAssertNotNil((clusterSection["kmeans"] as? [String: Any])?["acc"], "scores against the true labels are missing")
        XCTAssertEqual((clusterSection["dbscan"] as? [String: Any])?["eps_auto"] as? Bool, true)
    }

    func testFashionMNISTRowsWhenTheDebianPackageIsInstalled() throws {
        let images = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: images) else {
            throw skipOrFailInCI("dataset-fashion-mnist is not installed (\(images))", expectedInCI: Requirements.fashionMNISTExpected)
        }
        let dir = TestPaths.temporaryDirectory("e2e-fashion").path
        let result = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                              ["run", "--preset", "fashion-mnist", "--max-rows", "2000", "--epochs", "1",
                                               "--umap-epochs", "50", "--output-dir", dir], timeout: 900)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try npyShape(dir + "/umap.npy"), [2000, 10])
        let header = try String(contentsOfFile: dir + "/labels.csv", encoding: .utf8).split(separator: "\n").first
        XCTAssertEqual(header, "row,source_id,true_label,dbscan,kmeans,gmm")
        let cluster = try XCTUnwrap(try json(dir + "/metrics.json")["cluster"] as? [String: Any])
        XCTAssertTrue("\(cluster)".contains("gmm"), "the fashion-mnist preset runs the Gaussian mixture")
    }

    /// A budget too small for more than one epoch: training stops after epoch 1, config.json and
    /// the summary say so, and `--epochs 1` then finds the training current (the ledger recorded
    /// the epochs trained, not the cap).
    func testBudgetSettlesTheEpochsAndEpochsReproducesThem() throws {
        let dir = TestPaths.temporaryDirectory("e2e-budget").path
        let first = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", runArguments(dir, epochs: nil, extra: ["--budget", "0.5", "--no-plots"]),
                                             timeout: 900)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("the budget fit 1 epoch"), first.stderr)
        let config = try json(dir + "/config.json")
        XCTAssertEqual((config["training"] as? [String: Any])?["epochs"] as? Int, 1)
        XCTAssertEqual((config["run"] as? [String: Any])?["budget_minutes"] as? Double, 0.5)
        let history = try String(contentsOfFile: dir + "/history.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(history.count, 2, "a header and one epoch")

        let again = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                             runArguments(dir, epochs: 1, extra: ["--no-plots"]), timeout: 900)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("train: skipped"), again.stderr)
    }

    func testMissingInputSaysWhereToGetIt() throws {
        let dir = TestPaths.temporaryDirectory("e2e-missing").path
        let result = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", ["run", "--input", dir + "/nope.csv", "--output-dir", dir],
                                              timeout: 60)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("nope.csv: no such file"), result.stderr)
        XCTAssertTrue(result.stderr.contains("get-imdb.sh"), result.stderr)
    }
}
