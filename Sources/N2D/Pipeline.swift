import Autoencoder
import Collectives
import Foundation
import Isomap
import LinearAlgebra
import Storage

/// The whole N2D job: vectorize → train → encode → kNN + UMAP → cluster → evaluate → plots and
/// artifacts, each stage's value handed to the next in memory. A stage whose artifacts in the
/// output directory were made with the same settings (and the same upstream stages) is skipped
/// unless `--force`. Every rank calls `run`.
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

    /// Runs `job`, writing config.json first (with `arguments`, the command line after `n2d-mpi`) and
    /// again once a budget has settled the epochs.
    public static func run(_ job: JobConfiguration, arguments: [String], world: Communicator) throws -> Report {
        let started = Date()
        var job = job
        try RunConfigFile.write(job, arguments: arguments, world: world)
        let runner = JobRunner(job: job, world: world, wholeJob: true)
        let data = try runner.vectorize()
        Console.say(data.summary.text)
        try RunPreflight.check(job, rows: data.shard.training.total, world: world)
        let codes = try runner.train(data, deadline: job.run.budgetMinutes.map { trainingDeadline(start: started, minutes: $0) })
        if runner.job != job {
            job = runner.job
            try RunConfigFile.write(job, arguments: arguments, world: world)
        }
        let embedding = try runner.embed(codes)

        let truth = try world.agreeing("cluster: true labels") { () -> TrueLabels? in
            world.rank == 0 ? try TrueLabels.find(inOutputDirectory: job.outputDirectory, rows: embedding.matrix.rows) : nil
        }
        let sourceIDs = world.gather(data.shard.training.sourceRows.map(Int64.init), root: 0)?.map { String($0) }
        let clusterReport = try runner.cluster(embedding, truth: truth, sourceIDs: sourceIDs)
        try world.agreeing("write \(ModelFile.name)") {
            guard world.rank == 0, let autoencoder = runner.autoencoder else { return }
            var placement: IsomapPlacement?
            if job.manifold == .isomap {
                placement = EmbedStage.readPlacement(directory: job.outputDirectory, rows: embedding.matrix.rows,
                                                     components: embedding.matrix.cols)
                if placement == nil {
                    Console.say("warning: \(EmbedStage.placementFile) is missing or made for another embedding; \(ModelFile.name) is written without it and predict will refuse it (run with --force to embed again)")
                }
            }
            let model = N2DModel(job: job, architecture: autoencoder.architecture, parameters: autoencoder.parameters,
                                 vocabulary: data.shard.vocabulary?.terms, labelNames: data.shard.labelNames,
                                 inputRows: data.shard.inputRows, trainingCodes: codes.matrix, trainingEmbedding: embedding.matrix,
                                 isomapPlacement: placement, clusters: clusterReport.assignments)
            try AtomicFile.write(try ModelFile.encode(model), to: job.outputDirectory + "/" + ModelFile.name)
        }

        var baselines: [BaselineResult] = []
        if job.run.baselines {
            Console.say("[5/5] baselines: KMeans on the raw features and on the codes")
            baselines = try runner.time("baselines") {
                try Baselines.run(shard: data.shard, codes: codes.matrix, clusters: job.cluster.kmeansClusters,
                                  seed: job.cluster.seed, truth: truth, world: world)
            }
        }
        if job.run.plots {
            Console.say("[5/5] plots")
            try runner.time("plots") {
                try RunPlots.draw(directory: job.outputDirectory, codes: codes.matrix, embedding: embedding.matrix, job: job,
                                  report: clusterReport, truth: truth, baselines: baselines, world: world)
                if job.run.map == .tsne, let raw = baselines.first(where: { $0.name == "kmeans on raw features" }) {
                    try RunPlots.drawRawBaseline(directory: job.outputDirectory, features: data.shard.training.features,
                                                 baseline: raw, job: job, world: world)
                }
            }
        }

        var entries = runner.timer.entries
        entries.append(("total", Date().timeIntervalSince(started)))
        let report = Report(stageSeconds: entries, skipped: runner.stages.skipped, cluster: clusterReport, baselines: baselines,
                            rows: embedding.matrix.rows, ranks: world.size)
        try world.agreeing("write run metrics") {
            guard world.rank == 0 else { return }
            try MetricsFile.update(directory: job.outputDirectory, section: "run", value: runSection(report, job: job))
        }
        return report
    }

    /// When training must end for a run of `minutes` that began at `start`: the budget less what the
    /// stages after training are given (a tenth of it, at least a minute).
    static func trainingDeadline(start: Date, minutes: Double) -> TrainingDeadline {
        let budget = minutes * 60
        return TrainingDeadline(start.addingTimeInterval(budget - max(60, budget / 10)))
    }

    static func runSection(_ report: Report, job: JobConfiguration) -> [String: Any] {
        var seconds: [String: Any] = [:]
        for (name, value) in report.stageSeconds { seconds[name] = value }
        var section: [String: Any] = [
            "preset": job.preset.rawValue, "ranks": report.ranks, "rows": report.rows,
            "seconds": seconds, "skipped": report.skipped,
        ]
        if !report.baselines.isEmpty { section["baselines"] = report.baselines.map(\.json) }
        return section
    }
}

/// The output directory of a job.
enum OutputDirectory {
    /// Creates `directory` on rank 0 and checks that it can be written; every rank learns of a
    /// failure before any work starts.
    static func prepare(_ directory: String, world: Communicator) throws {
        try world.agreeing("output directory") {
            if world.rank == 0 { try create(directory) }
        }
    }

    /// Creates `directory` when missing and checks that it is a writable directory (one rank's work).
    static func create(_ directory: String) throws {
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
