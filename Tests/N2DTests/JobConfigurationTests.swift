import Collectives
import Datasets
import Foundation
import N2D
import TestSupport
import XCTest

/// The job configuration in-process: the preset table, overrides, validation naming the flag, the
/// JSON form, and the fingerprints and ledger built from it.
final class JobConfigurationTests: XCTestCase {
    func testPresetsResolveToTheirTable() {
        let imdb = JobConfiguration.resolve(JobOverrides())
        XCTAssertEqual(imdb.preset, .imdb)
        XCTAssertEqual(imdb.data.paths, ["data/IMDB Dataset.csv"])
        XCTAssertEqual(imdb.data.format, .textCSV)
        XCTAssertEqual(imdb.data.labelColumn, .ifPresent("sentiment"))
        XCTAssertEqual(imdb.training.hidden, [1024, 512, 256])
        XCTAssertEqual([imdb.training.epochs, imdb.training.batchSize, imdb.umap.components, imdb.umap.neighbors], [25, 32, 5, 50])
        XCTAssertEqual(imdb.cluster.dbscanEps, .fixed(1))
        XCTAssertEqual(imdb.cluster.gmmComponents, 0)

        var overrides = JobOverrides()
        overrides.preset = .fashionMNIST
        let fashion = JobConfiguration.resolve(overrides)
        XCTAssertEqual(fashion.data.format, .idx)
        XCTAssertEqual(fashion.data.paths, ["train", "t10k"].map { "/usr/share/datasets/fashion-mnist/\($0)-images-idx3-ubyte.gz" },
                       "the paper clusters all 70,000 images: the training file, then the test file")
        XCTAssertEqual(fashion.data.testSize, 0)
        XCTAssertEqual(fashion.training.hidden, [500, 500, 2000])
        XCTAssertEqual([fashion.training.epochs, fashion.training.batchSize, fashion.umap.components, fashion.umap.neighbors], [50, 256, 10, 20])
        XCTAssertEqual(fashion.cluster.dbscanEps, .auto)
        XCTAssertEqual([fashion.cluster.kmeansClusters, fashion.cluster.gmmComponents], [10, 10])
    }

    func testOverridesReplaceThePresetAndTheSeedReachesEveryStage() {
        var overrides = JobOverrides()
        overrides.preset = .fashionMNIST
        overrides.input = ["my.npy"]
        overrides.epochs = 3
        overrides.seed = 7
        overrides.labelColumn = "y"
        overrides.dbscanEps = .fixed(0.5)
        overrides.umapEpochs = 40
        let job = JobConfiguration.resolve(overrides)
        XCTAssertEqual(job.data.paths, ["my.npy"])
        XCTAssertEqual(job.data.format, .npy, "a given input's format comes from its name, not the preset's")
        XCTAssertEqual(job.data.labelColumn, .required("y"))
        XCTAssertEqual(job.training.epochs, 3)
        XCTAssertEqual(job.training.batchSize, 256, "what was not overridden stays the preset's")
        XCTAssertEqual(job.cluster.dbscanEps, .fixed(0.5))
        XCTAssertEqual(job.umap.epochs, 40)
        XCTAssertEqual([UInt64(job.data.seed), job.umap.seed, job.cluster.seed, job.trainingConfiguration(inputWidth: 4).seed], [7, 7, 7, 7])

        overrides.noLabels = true
        XCTAssertEqual(JobConfiguration.resolve(overrides).data.labelColumn, LabelColumn.none)
    }

    func testValidationNamesTheFlag() {
        func problem(_ change: (inout JobOverrides) -> Void) -> String? {
            var overrides = JobOverrides()
            change(&overrides)
            do { try JobConfiguration.resolve(overrides).validate() } catch { return "\(error)" }
            return nil
        }
        XCTAssertNil(problem { _ in })
        XCTAssertEqual(problem { $0.umapMinDist = 1.5 }?.hasPrefix("--umap-min-dist must lie between 0 and the spread"), true)
        XCTAssertEqual(problem { $0.epochs = 0 }, "--epochs must be at least 1 (got 0)")
        XCTAssertEqual(problem { $0.dbscanEps = .fixed(-1) }, "--dbscan-eps must be a positive number or 'auto' (got -1.0)")
        XCTAssertEqual(problem { $0.testSize = 1 }?.hasPrefix("--test-size"), true)
        XCTAssertEqual(problem { $0.hidden = [64, 0] }?.hasPrefix("--hidden"), true)
        XCTAssertEqual(problem { $0.checkpointEvery = 0 }?.hasPrefix("--checkpoint-every"), true)
        XCTAssertEqual(problem { $0.gmmComponents = -1 }?.hasPrefix("--gmm-components"), true)
        XCTAssertEqual(problem { $0.budget = 0 }, "--budget must be a positive number of minutes, such as 30 (got 0.0)")
    }

    /// A budget makes the epochs a cap: the paper's 1,000 unless --epochs is given.
    func testABudgetCapsTheEpochsAtThePapersUnlessEpochsIsGiven() {
        var overrides = JobOverrides()
        overrides.preset = .fashionMNIST
        overrides.budget = 30
        let capped = JobConfiguration.resolve(overrides)
        XCTAssertEqual(capped.run.budgetMinutes, 30)
        XCTAssertEqual(capped.training.epochs, 1000)
        overrides.epochs = 200
        XCTAssertEqual(JobConfiguration.resolve(overrides).training.epochs, 200)
        XCTAssertNil(JobConfiguration.resolve(JobOverrides()).run.budgetMinutes)
    }

    func testJSONRoundTripsAndReadsAsWritten() throws {
        var overrides = JobOverrides()
        overrides.dbscanEps = .auto
        overrides.maxRows = 100
        let job = JobConfiguration.resolve(overrides)
        let bytes = try JobConfiguration.encoder().encode(job)
        XCTAssertEqual(try JSONDecoder.snakeCase.decode(JobConfiguration.self, from: bytes), job)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: bytes) as? [String: Any])
        let cluster = try XCTUnwrap(object["cluster"] as? [String: Any])
        XCTAssertEqual(cluster["dbscan_eps"] as? String, "auto", "eps is written as the flag is")
        let data = try XCTUnwrap(object["data"] as? [String: Any])
        let labels = try XCTUnwrap(data["label_column"] as? [String: Any])
        XCTAssertEqual(labels["column"] as? String, "sentiment")
        XCTAssertEqual(labels["required"] as? Bool, false)
        XCTAssertEqual(data["format"] as? String, "text-csv")
        XCTAssertEqual(try JobConfiguration.encoder().encode(job), bytes, "the same job encodes to the same bytes")
    }

    func testFingerprintsFollowTheSettingsEachStageReads() {
        let base = JobConfiguration.resolve(JobOverrides())
        func prints(_ change: (inout JobConfiguration) -> Void) -> [String] {
            var job = base
            change(&job)
            return [Stage.train, Stage.embed, Stage.cluster].map { $0.fingerprint(job, upstream: "data") }
        }
        let original = prints { _ in }
        XCTAssertEqual(prints { $0.run.checkpointEvery = 5; $0.run.force = true; $0.run.plots = false }, original,
                       "how a run goes changes no stage's fingerprint")
        let eps = prints { $0.cluster.dbscanEps = .fixed(0.3) }
        XCTAssertEqual(eps[0], original[0])
        XCTAssertEqual(eps[1], original[1])
        XCTAssertNotEqual(eps[2], original[2])
        let epochs = prints { $0.training.epochs = 3 }
        XCTAssertNotEqual(epochs[0], original[0])
        XCTAssertEqual(epochs[1], original[1], "the embed fingerprint chains on the train fingerprint the runner passes as upstream")
        XCTAssertNotEqual(prints { $0.seed = 1 }[0], original[0])
        XCTAssertNotEqual(Stage.embed.fingerprint(base, upstream: "a"), Stage.embed.fingerprint(base, upstream: "b"))
    }

    func testHelpDefaultsComeFromThePresetTable() {
        XCTAssertEqual(Preset.defaults { $0.training.epochs }, "imdb 25, fashion-mnist 50")
        XCTAssertEqual(Preset.defaults { $0.cluster.dbscanMinSamples }, "50")
        XCTAssertEqual(Preset.defaults { $0.cluster.dbscanEps }, "imdb 1, fashion-mnist auto")
    }

    func testTheLedgerForgetsAStageBeforeItWritesAndRecordsItOnlyWhenDone() throws {
        let directory = TestPaths.temporaryDirectory("ledger").path
        let world = LocalCommunicator()
        func ledger() throws -> [String: String] {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/stages.json"))
            return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: String])
        }
        for name in ["codes.npy", "history.csv", "model.ckpt", "umap.npy"] {
            _ = FileManager.default.createFile(atPath: directory + "/" + name, contents: Data())
        }
        var runner = StageRunner(directory: directory, force: false, world: world)
        var computed = 0
        _ = try runner.run(.train, fingerprint: "t1", reuse: { 0 }, compute: { computed += 1; return 1 })
        _ = try runner.run(.embed, fingerprint: "e1", reuse: { 0 }, compute: { computed += 1; return 1 })
        XCTAssertEqual(try ledger(), ["train": "t1", "embed": "e1"])
        XCTAssertEqual(try runner.run(.train, fingerprint: "t1", reuse: { 0 }, compute: { 1 }), 0, "a current stage is reused")
        XCTAssertEqual(runner.skipped, ["train"])

        struct Failed: Error {}
        XCTAssertThrowsError(try runner.run(.train, fingerprint: "t2", reuse: { 0 }, compute: { () -> Int in
            XCTAssertEqual(try ledger(), [:], "while train rewrites its files, neither it nor embed is vouched for")
            throw Failed()
        }))
        XCTAssertEqual(try ledger(), [:], "a failed stage leaves no fingerprint behind")
        var reopened = StageRunner(directory: directory, force: false, world: world)
        XCTAssertEqual(try reopened.run(.train, fingerprint: "t1", reuse: { 0 }, compute: { 1 }), 1, "nothing is reused after the failure")
        XCTAssertEqual(computed, 2)
    }
}

private extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
