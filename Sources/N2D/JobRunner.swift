import Autoencoder
import Collectives
import Datasets
import Foundation
import LinearAlgebra
import Storage

/// A stage's result as the next stage takes it: the matrix (whole on every rank) and the
/// fingerprint of what made it.
public struct StageValue {
    public var matrix: Matrix
    public var fingerprint: String
}

/// The loaded input: this rank's shard, the summary, and the fingerprint of the data's content.
public struct LoadedData {
    public var shard: DatasetShard
    public var summary: VectorizeSummary
    public var fingerprint: String
}

/// The stages of one job over one output directory, each run through the ledger (`StageRunner`).
/// `Pipeline.run` calls them in order and hands each stage's value to the next in memory; a stage
/// subcommand calls one of them, its input read from a file (`input(fromFile:producedBy:)`) and
/// `force` on, since the user asked for that stage. Every method is a collective.
public final class JobRunner {
    /// The job; training under a budget settles its epochs (`train`).
    public private(set) var job: JobConfiguration
    public let world: Communicator
    public private(set) var stages: StageRunner
    /// Wall time per stage, in order.
    public private(set) var timer = StageTimer()
    /// The training run's history and model, once `train` has trained.
    public private(set) var trainingResult: TrainingResult?
    /// The trained autoencoder: this run's, or the checkpoint's when training was skipped.
    public private(set) var autoencoder: AutoencoderModel?
    /// The whole job (`run`): stage lines numbered "[2/5]", current stages skipped unless
    /// `--force`. Otherwise a stage subcommand: its stage always runs.
    private let wholeJob: Bool

    /// Reads the output directory's ledger. Nothing is written before a stage has its input:
    /// input that cannot be read leaves no output directory behind.
    public init(job: JobConfiguration, world: Communicator, wholeJob: Bool) {
        self.job = job
        self.world = world
        self.wholeJob = wholeJob
        stages = StageRunner(directory: job.outputDirectory, force: job.run.force || !wholeJob, world: world)
    }

    private var directory: String { job.outputDirectory }

    private func say(_ step: Int, _ text: String) { Console.say((wholeJob ? "[\(step)/5] " : "") + text) }

    /// Loads the input over the ranks (always: it is the cheapest stage and every later one needs
    /// the rows) and writes `true_labels.csv` when the input has labels.
    public func vectorize() throws -> LoadedData {
        say(1, "vectorize \(job.data.inputName) on \(world.size) rank(s)")
        let (shard, summary) = try timer.time("vectorize") {
            try VectorizeStage.run(job.data, outputDirectory: directory, world: world)
        }
        Console.detail("rows \(shard.training.rows.lowerBound)..<\(shard.training.rows.upperBound) of \(shard.training.total) on this rank")
        try TrueLabels.record(shard, directory: directory, world: world)
        return LoadedData(shard: shard, summary: summary,
                          fingerprint: StageLedger.hash(Array("\(summary.trainingDigest) \(summary.validationDigest) \(shard.columns)".utf8)))
    }

    /// Trains the autoencoder on the loaded rows; the codes of every training row, in row order.
    /// With a `deadline` the epochs are a cap: training ends after the last epoch that fits, and the
    /// job (and the ledger) then hold the epochs trained, so `--epochs` with them reproduces the run.
    public func train(_ data: LoadedData, deadline: TrainingDeadline? = nil) throws -> StageValue {
        var fingerprint = Stage.train.fingerprint(job, upstream: data.fingerprint)
        let configuration = job.trainingConfiguration(inputWidth: data.shard.columns)
        var settledEpochs: Int?
        let codes = try stages.run(.train, fingerprint: fingerprint, reuse: {
            say(2, "train: skipped, codes.npy matches this configuration (--force recomputes)")
            autoencoder = try world.agreeing("read \(TrainStage.checkpointFile)") { () -> AutoencoderModel in
                let checkpoint = try CheckpointFile.read(path: directory + "/" + TrainStage.checkpointFile)
                return AutoencoderModel(architecture: checkpoint.header.architecture, parameters: checkpoint.parameters)
            }
            return try RootMatrix.read(directory + "/codes.npy", world: world)
        }, compute: {
            if let deadline {
                let until = DateFormatter.localizedString(from: deadline.date, dateStyle: .none, timeStyle: .medium)
                say(2, "train \(configuration.architecture) until \(until) (--budget; at most \(configuration.epochs) epochs), batch \(configuration.batchSize)")
            } else {
                say(2, "train \(configuration.architecture) for \(configuration.epochs) epochs, batch \(configuration.batchSize)")
            }
            let shard = data.shard
            let output = try timer.time("train") {
                try TrainStage.run(world: world, training: shard.training.features,
                                   validation: shard.validation.total > 0 ? shard.validation.features : nil,
                                   configuration: configuration, outputDirectory: directory, deadline: deadline)
            }
            if deadline != nil, output.result.history.count != configuration.epochs { settledEpochs = output.result.history.count }
            trainingResult = output.result
            autoencoder = output.result.model
            return RootMatrix.broadcast(output.allCodes ?? Matrix(rows: 0, cols: 0), world: world)
        })
        if let settledEpochs {
            job.training.epochs = settledEpochs
            fingerprint = Stage.train.fingerprint(job, upstream: data.fingerprint)
            try stages.record(.train, fingerprint: fingerprint)
            say(2, "train: the budget fit \(settledEpochs) epoch\(settledEpochs == 1 ? "" : "s") (config.json records them; --epochs \(settledEpochs) reproduces this training)")
        }
        return StageValue(matrix: codes, fingerprint: fingerprint)
    }

    /// UMAP of `codes`: the embedding, on every rank.
    public func embed(_ codes: StageValue, saveKNN: Bool = false) throws -> StageValue {
        let fingerprint = Stage.embed.fingerprint(job, upstream: codes.fingerprint)
        let embedding = try stages.run(.embed, fingerprint: fingerprint, reuse: {
            say(3, "embed: skipped, umap.npy matches this configuration")
            return try RootMatrix.read(directory + "/umap.npy", world: world)
        }, compute: {
            if job.manifold == .isomap {
                say(3, "embed: Isomap to \(job.isomap.components) dimensions, \(job.isomap.neighbors) neighbours")
                return try timer.time("embed") {
                    try EmbedStage.runIsomap(codes: codes.matrix, settings: job.isomap, seed: UInt64(job.seed),
                                             outputDirectory: directory, world: world)
                }
            }
            say(3, "embed: UMAP to \(job.umap.components) dimensions, \(job.umap.neighbors) neighbours")
            return try timer.time("embed") {
                try EmbedStage.run(codes: codes.matrix, parameters: job.umap, outputDirectory: directory,
                                   saveKNN: saveKNN, world: world)
            }
        })
        return StageValue(matrix: embedding, fingerprint: fingerprint)
    }

    /// DBSCAN, KMeans and the mixture on `embedding`, scored against `truth` (rank 0's) when given.
    public func cluster(_ embedding: StageValue, truth: TrueLabels?, sourceIDs: [String]? = nil) throws -> ClusterReport {
        let cluster = job.cluster
        say(4, "cluster: DBSCAN, KMeans\(cluster.gmmComponents > 0 ? ", Gaussian mixture" : "")")
        // Always recomputed: it takes seconds, and its report is the run's summary.
        return try stages.always(.cluster, fingerprint: Stage.cluster.fingerprint(job, upstream: embedding.fingerprint)) {
            try timer.time("cluster") {
                try ClusterStage.run(embedding: embedding.matrix, trueLabels: truth, sourceIDs: sourceIDs, settings: cluster,
                                     outputDirectory: directory, world: world)
            }
        }
    }

    /// A matrix file as a stage's input. Its fingerprint is the one `producer` recorded when the
    /// file is that stage's artifact in this output directory, else a hash of the matrix (every
    /// rank holds the same bits), so a later `run` recomputes what was made from a foreign file.
    public func input(fromFile path: String, producedBy producer: Stage) throws -> StageValue {
        let matrix = try RootMatrix.read(path, world: world)
        let own = URL(fileURLWithPath: path).standardizedFileURL
            == URL(fileURLWithPath: directory + "/" + producer.artifacts[0]).standardizedFileURL
        let recorded = own ? stages.recorded(producer) : nil
        return StageValue(matrix: matrix, fingerprint: recorded ?? StageLedger.fingerprint(of: matrix))
    }

    /// Times work outside the stages (baselines, plots).
    public func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        try timer.time(name, body)
    }
}

/// Wall time per stage, in order.
public struct StageTimer {
    public private(set) var entries: [(String, Double)] = []

    mutating func time<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let value = try body()
        record(name, Date().timeIntervalSince(start))
        return value
    }

    mutating func record(_ name: String, _ seconds: Double) { entries.append((name, seconds)) }
}
