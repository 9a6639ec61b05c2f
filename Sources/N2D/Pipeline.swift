import Autoencoder
import Collectives
import Datasets
import Foundation
import LinearAlgebra
import Storage
import UMAP

/// Everything `n2d-mpi run` does, resolved from the preset and the flags.
public struct RunSettings {
    public var preset: Preset
    public var data: DatasetSpec
    /// The training configuration for input data this many columns wide.
    public var training: (Int) -> TrainingConfiguration
    public var umap: UMAPParameters
    public var cluster: ClusterSettings
    public var outputDirectory: String
    /// Recompute every stage even when its artifacts match the configuration.
    public var force: Bool
    /// Also run the reference pipeline's baselines (KMeans on the raw features and on the codes).
    public var baselines: Bool
    /// Draw the PNG plots (needs a 2-d UMAP of the codes when the embedding is not 2-d).
    public var plots: Bool

    public init(preset: Preset, data: DatasetSpec, training: @escaping (Int) -> TrainingConfiguration,
                umap: UMAPParameters, cluster: ClusterSettings, outputDirectory: String,
                force: Bool = false, baselines: Bool = false, plots: Bool = true) {
        self.preset = preset
        self.data = data
        self.training = training
        self.umap = umap
        self.cluster = cluster
        self.outputDirectory = outputDirectory
        self.force = force
        self.baselines = baselines
        self.plots = plots
    }
}

/// The whole N2D job: vectorize → train → encode → kNN + UMAP → cluster → evaluate → plots and
/// artifacts. A stage whose artifacts in the output directory were made with the same configuration
/// (and the same upstream stages) is skipped unless `force`. Every rank calls `run`.
public enum Pipeline {
    /// What the run produced (complete on rank 0).
    public struct Report {
        public var stageSeconds: [(String, Double)]
        public var skipped: [String]
        public var cluster: ClusterReport
        public var baselines: [BaselineResult]
        public var rows: Int
        public var ranks: Int
    }

    public static func run(_ settings: RunSettings, world: Communicator) throws -> Report {
        let directory = settings.outputDirectory
        let isRoot = world.rank == 0
        let started = Date()
        var timer = StageTimer()
        try prepareOutputDirectory(directory, world: world)
        var ledger = StageLedger(directory: directory)
        var skipped: [String] = []
        func say(_ text: String) { Console.say(text) }

        // 1. vectorize (always: it is the cheapest stage and every later one needs the rows)
        say("[1/5] vectorize \(settings.data.path) on \(world.size) rank(s)")
        let (shard, summary) = try timer.time("vectorize") {
            try VectorizeStage.run(settings.data, outputDirectory: directory, world: world)
        }
        Console.detail("rows \(shard.training.rows.lowerBound)..<\(shard.training.rows.upperBound) of \(shard.training.total) on this rank")
        say(summary.text)
        try RunPreflight.check(settings, rows: shard.training.total, world: world)
        let dataPrint = StageLedger.fingerprint("\(summary.trainingDigest) \(summary.validationDigest) \(shard.columns)")
        try recordTrueLabels(shard, directory: directory, world: world)

        // 2. train and encode
        let training = settings.training(shard.columns)
        var fingerprintConfig = training
        fingerprintConfig.resume = false
        fingerprintConfig.checkpointPath = nil
        let trainPrint = StageLedger.fingerprint(fingerprintConfig, upstream: dataPrint)
        var trainSeconds = 0.0
        if !settings.force, ledger.isCurrent("train", fingerprint: trainPrint, artifacts: ["codes.npy", "history.csv", "model.ckpt"]) {
            say("[2/5] train: skipped, codes.npy matches this configuration (--force recomputes)")
            skipped.append("train")
        } else {
            say("[2/5] train \(training.architecture) for \(training.epochs) epochs, batch \(training.batchSize)")
            let output = try timer.time("train") {
                try TrainStage.run(world: world, training: shard.training.features, validation: shard.validation.total > 0 ? shard.validation.features : nil,
                                   configuration: training, outputDirectory: directory)
            }
            trainSeconds = output.result.history.map(\.seconds).reduce(0, +)
            try world.agreeing("record train") {
                if isRoot { try ledger.record("train", fingerprint: trainPrint, invalidating: ["embed", "cluster"]) }
            }
        }
        _ = trainSeconds

        // 3. kNN + UMAP
        let embedPrint = StageLedger.fingerprint(String(describing: settings.umap), upstream: trainPrint)
        var embedding: Matrix
        if !settings.force, ledger.isCurrent("embed", fingerprint: embedPrint, artifacts: ["umap.npy"]) {
            say("[3/5] embed: skipped, umap.npy matches this configuration")
            skipped.append("embed")
            embedding = try readRootMatrix(directory + "/umap.npy", world: world)
        } else {
            say("[3/5] embed: UMAP to \(settings.umap.components) dimensions, \(settings.umap.neighbors) neighbours")
            let result = try timer.time("embed") {
                try EmbedStage.run(EmbedStage.Options(outputDirectory: directory, parameters: settings.umap), world: world)
            }
            embedding = result.embedding
            try world.agreeing("record embed") {
                if isRoot { try ledger.record("embed", fingerprint: embedPrint, invalidating: ["cluster"]) }
            }
        }

        // 4. cluster and evaluate (labels.csv and the cluster section of metrics.json)
        say("[4/5] cluster: DBSCAN, KMeans\(settings.cluster.gmmComponents > 0 ? ", Gaussian mixture" : "")")
        let truth = try world.agreeing("cluster: true labels") { () -> TrueLabels? in
            isRoot ? try TrueLabels.find(inOutputDirectory: directory, rows: embedding.rows) : nil
        }
        let sourceIDs = world.gather(shard.training.sourceRows.map(Int64.init), root: 0)?.map { String($0) }
        let clusterReport = try timer.time("cluster") {
            try ClusterStage.run(embedding: embedding, trueLabels: truth, sourceIDs: sourceIDs, settings: settings.cluster,
                                 outputDirectory: directory, world: world)
        }
        try world.agreeing("record cluster") {
            if isRoot {
                try ledger.record("cluster", fingerprint: StageLedger.fingerprint(String(describing: settings.cluster), upstream: embedPrint))
            }
        }

        // 5. baselines and plots
        var baselines: [BaselineResult] = []
        if settings.baselines {
            say("[5/5] baselines: KMeans on the raw features and on the codes")
            baselines = try timer.time("baselines") {
                try Baselines.run(shard: shard, directory: directory, clusters: settings.cluster.kmeansClusters,
                                  seed: settings.cluster.seed, truth: truth, world: world)
            }
        }
        if settings.plots {
            say("[5/5] plots")
            try timer.time("plots") {
                try RunPlots.draw(directory: directory, embedding: embedding, umap: settings.umap, report: clusterReport,
                                  truth: truth, labelNames: shard.labelNames, world: world)
            }
        }

        timer.record("total", Date().timeIntervalSince(started))
        let report = Report(stageSeconds: timer.entries, skipped: skipped, cluster: clusterReport, baselines: baselines,
                            rows: embedding.rows, ranks: world.size)
        try world.agreeing("write run metrics") {
            guard isRoot else { return }
            try MetricsFile.update(directory: directory, section: "run", value: runSection(report, settings: settings))
        }
        return report
    }

    /// Creates the output directory on rank 0 and checks that it can be written; every rank learns
    /// of a failure before any work starts.
    static func prepareOutputDirectory(_ directory: String, world: Communicator) throws {
        try world.agreeing("output directory") {
            guard world.rank == 0 else { return }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw FileError(path: directory, problem: "is a file; --output-dir must name a directory")
            }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                let cause = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
                throw FileError(path: directory, problem: "cannot create the output directory (\(cause ?? error.localizedDescription))")
            }
            guard access(directory, W_OK) == 0 else {
                throw FileError(path: directory, problem: "the output directory is not writable")
            }
        }
    }

    /// Writes `true_labels.csv` (source_id, true_label) for the training rows when the input has
    /// labels, so `n2d-mpi cluster` can score a re-clustering without the input.
    static func recordTrueLabels(_ shard: DatasetShard, directory: String, world: Communicator) throws {
        let labels = world.allreduce(shard.training.labels == nil ? 0 : 1, op: .min) == 1
        guard labels else { return }
        let codes = world.gather(shard.training.labels!.map(Int64.init), root: 0)
        let ids = world.gather(shard.training.sourceRows.map(Int64.init), root: 0)
        try world.agreeing("write true labels") {
            guard let codes, let ids else { return }
            var text = "source_id,true_label\n"
            for (id, code) in zip(ids, codes) {
                let name = Int(code) < shard.labelNames.count ? shard.labelNames[Int(code)] : String(code)
                text += "\(id),\(CSVLine.escape(name))\n"
            }
            try AtomicFile.write(text, to: directory + "/" + TrueLabels.outputDirectoryNames[0])
        }
    }

    /// Rank 0 reads a `.npy` matrix and broadcasts it; a read error ends every rank with its message.
    static func readRootMatrix(_ path: String, world: Communicator) throws -> Matrix {
        var matrix = Matrix(rows: 0, cols: 0)
        var shape: [Int64] = [0, 0]
        try world.agreeing("read \(path)") {
            guard world.rank == 0 else { return }
            matrix = try NPY.readMatrix(path: path)
            shape = [Int64(matrix.rows), Int64(matrix.cols)]
        }
        world.broadcast(&shape, root: 0)
        world.broadcast(&matrix.storage, root: 0)
        return Matrix(rows: Int(shape[0]), cols: Int(shape[1]), storage: matrix.storage)
    }

    static func runSection(_ report: Report, settings: RunSettings) -> [String: Any] {
        var seconds: [String: Any] = [:]
        for (name, value) in report.stageSeconds { seconds[name] = value }
        var section: [String: Any] = [
            "preset": settings.preset.rawValue, "ranks": report.ranks, "rows": report.rows,
            "seconds": seconds, "skipped": report.skipped,
        ]
        if !report.baselines.isEmpty { section["baselines"] = report.baselines.map(\.json) }
        return section
    }
}

/// Wall time per stage, in order.
struct StageTimer {
    private(set) var entries: [(String, Double)] = []

    mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let value = try body()
        record(name, Date().timeIntervalSince(start))
        return value
    }

    mutating func record(_ name: String, _ seconds: Double) { entries.append((name, seconds)) }
}
