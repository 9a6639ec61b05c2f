import Autoencoder
import Datasets
import Foundation
import Neighbors
import UMAP

/// Everything a job computes and how it runs, resolved once from a preset and the user's overrides
/// (`resolve`). Every stage reads its slice of it (`Stage`); `config.json` and the stage
/// fingerprints are its JSON encoding (`JobConfiguration.encoder`), so what a run records is what
/// it ran.
public struct JobConfiguration: Codable, Equatable, Sendable {
    public var preset: Preset
    /// Seed of every random choice (split, shuffles, initialisation, UMAP, KMeans, the mixture).
    public var seed: UInt32
    public var outputDirectory: String
    public var data: DatasetSpec
    public var training: TrainingSettings
    public var umap: UMAPParameters
    /// Which manifold the embed stage learns (UMAP, or Isomap as the tutorial's alternative).
    public var manifold: ManifoldMethod
    public var isomap: IsomapSettings
    public var cluster: ClusterSettings
    public var run: RunBehaviour

    /// The preset's job, every value at its default.
    public init(preset: Preset) {
        self.preset = preset
        seed = 13
        outputDirectory = "n2d-output"
        data = DatasetSpec(path: "")
        training = TrainingSettings()
        umap = UMAPParameters()
        manifold = .umap
        isomap = IsomapSettings()
        cluster = ClusterSettings()
        run = RunBehaviour()
        preset.apply(to: &self)
        propagateSeed()
    }

    /// The preset's job with `overrides` applied: every override replaces the preset's value, the
    /// seed reaches every stage, and a given input's format comes from `--format` or its name
    /// (the preset's format only goes with the preset's own input); nil when neither tells, and
    /// loading then says so.
    public static func resolve(_ overrides: JobOverrides) -> JobConfiguration {
        var job = JobConfiguration(preset: overrides.preset ?? .imdb)
        overrides.apply(to: &job)
        if job.data.format == nil { job.data.format = job.data.inferredFormat }
        job.propagateSeed()
        return job
    }

    /// Reads a configuration written by this or an earlier n2d-mpi (a model's header, a
    /// `config.json`): a setting added since is absent there and keeps its default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(preset: try c.decode(Preset.self, forKey: .preset))
        seed = try c.decodeIfPresent(UInt32.self, forKey: .seed) ?? seed
        outputDirectory = try c.decodeIfPresent(String.self, forKey: .outputDirectory) ?? outputDirectory
        data = try c.decodeIfPresent(DatasetSpec.self, forKey: .data) ?? data
        training = try c.decodeIfPresent(TrainingSettings.self, forKey: .training) ?? training
        umap = try c.decodeIfPresent(UMAPParameters.self, forKey: .umap) ?? umap
        manifold = try c.decodeIfPresent(ManifoldMethod.self, forKey: .manifold) ?? .umap
        isomap = try c.decodeIfPresent(IsomapSettings.self, forKey: .isomap) ?? isomap
        cluster = try c.decodeIfPresent(ClusterSettings.self, forKey: .cluster) ?? cluster
        run = try c.decodeIfPresent(RunBehaviour.self, forKey: .run) ?? run
    }

    private mutating func propagateSeed() {
        data.seed = seed
        umap.seed = UInt64(seed)
        cluster.seed = UInt64(seed)
    }

    /// The autoencoder's training configuration for input rows `inputWidth` wide, with the
    /// checkpoint in the output directory.
    public func trainingConfiguration(inputWidth: Int) -> TrainingConfiguration {
        var config = TrainingConfiguration(architecture: Architecture(inputWidth: inputWidth, hidden: training.hidden,
                                                                      bottleneck: training.bottleneck))
        config.epochs = training.epochs
        config.batchSize = training.batchSize
        config.adam = AdamSettings(learningRate: training.learningRate)
        config.seed = UInt64(seed)
        config.batchMode = training.batchMode
        config.communication = training.communication
        config.resume = run.resume
        config.checkpointEvery = run.checkpointEvery
        config.checkpointPath = outputDirectory + "/" + TrainStage.checkpointFile
        return config
    }

    /// The JSON form of configurations and stage settings: sorted snake-case keys, so equal values
    /// always give equal bytes (and equal fingerprints).
    public static func encoder(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return encoder
    }
}

/// The autoencoder's settings (the `train` flags); the input width comes from the data.
public struct TrainingSettings: Codable, Equatable, Sendable {
    /// Encoder widths between the input and the code; the decoder mirrors them.
    public var hidden = [1024, 512, 256]
    /// Width of the code.
    public var bottleneck = 10
    public var epochs = 25
    /// The global batch, or each rank's with `batchMode` per-rank.
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var batchMode: BatchMode = .global
    public var communication: CommunicationChoice = .auto

    public init() {}
}

/// The manifold the embed stage learns from the codes; its output is `umap.npy` either way (the
/// name the later stages read), and metrics.json's "embed" section says which method made it.
public enum ManifoldMethod: String, Codable, CaseIterable, Sendable {
    case umap
    case isomap
}

/// Isomap's settings (scikit-learn's `Isomap(n_neighbors, n_components)`, as the tutorial calls it).
public struct IsomapSettings: Codable, Equatable, Sendable {
    /// Neighbours of each point in the graph (the point itself not counted, as scikit-learn).
    public var neighbors = 50
    public var components = 5
    /// Landmark Isomap with this many landmarks; nil: auto (exact while the squared geodesic
    /// distances fit in half the machine's memory, else 2,000 landmarks).
    public var landmarks: Int?

    public init() {}
}

/// How a run goes about its work, not what it computes: no stage's fingerprint includes it.
public struct RunBehaviour: Codable, Equatable, Sendable {
    /// Recompute every stage even when its artifacts match the configuration.
    public var force = false
    /// Continue training from the checkpoint when one matches.
    public var resume = false
    /// Write the training checkpoint every this many epochs (and after the last).
    public var checkpointEvery = 1
    /// Also run the reference pipeline's baselines (KMeans on the raw features and on the codes).
    public var baselines = false
    /// Draw the PNG plots.
    public var plots = true
    /// What the 2-d maps of the plots are drawn on.
    public var map: MapMethod = .umap
    /// The whole run's wall-time budget in minutes (`--budget`): training ends after the last epoch
    /// that leaves the later stages a tenth of it (at least a minute); nil trains the epochs given.
    public var budgetMinutes: Double?
    /// The epochs a budgeted run trains at most when `--epochs` is not given: the N2D paper's.
    public static let budgetEpochCap = 1000

    public init() {}

    /// A setting added since the writer's n2d-mpi keeps its default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        force = try c.decodeIfPresent(Bool.self, forKey: .force) ?? force
        resume = try c.decodeIfPresent(Bool.self, forKey: .resume) ?? resume
        checkpointEvery = try c.decodeIfPresent(Int.self, forKey: .checkpointEvery) ?? checkpointEvery
        baselines = try c.decodeIfPresent(Bool.self, forKey: .baselines) ?? baselines
        plots = try c.decodeIfPresent(Bool.self, forKey: .plots) ?? plots
        map = try c.decodeIfPresent(MapMethod.self, forKey: .map) ?? map
        budgetMinutes = try c.decodeIfPresent(Double.self, forKey: .budgetMinutes)
    }
}

/// The 2-d map the plots are drawn on: a t-SNE of the codes (scikit-learn's defaults, as the
/// tutorial pipeline draws its pictures) or a 2-d UMAP of them (the embedding itself when it is 2-d).
public enum MapMethod: String, Codable, CaseIterable, Sendable {
    case tsne
    case umap

    /// The name in titles and axis labels.
    public var title: String { self == .tsne ? "t-SNE" : "UMAP" }
}

/// What the user set on the command line; nil leaves the preset's value. `JobConfiguration.resolve`
/// is the one place these meet the preset.
public struct JobOverrides: Sendable {
    public var preset: Preset?
    public var seed: UInt32?
    public var outputDirectory: String?
    // data
    /// The input files, read as one input in this order.
    public var input: [String]?
    public var format: DataFormat?
    public var textColumn: String?
    public var labelColumn: String?
    public var noLabels = false
    public var maxFeatures: Int?
    public var testSize: Double?
    public var validationRows: Int?
    public var maxRows: Int?
    // training
    public var hidden: [Int]?
    public var bottleneck: Int?
    public var epochs: Int?
    public var batchSize: Int?
    public var learningRate: Float?
    public var batchMode: BatchMode?
    public var communication: CommunicationChoice?
    // UMAP
    public var umapComponents: Int?
    public var umapNeighbors: Int?
    public var umapMinDist: Float?
    /// Layout epochs; nil keeps umap-learn's rule ("auto").
    public var umapEpochs: Int?
    public var umapMetric: NeighborMetric?
    public var knn: KNNMethod?
    public var manifold: ManifoldMethod?
    public var isomapNeighbors: Int?
    public var isomapComponents: Int?
    /// Landmarks; 0 asks for exact Isomap, nil keeps auto.
    public var isomapLandmarks: Int?
    // clustering
    public var dbscanEps: ClusterSettings.Eps?
    public var dbscanMinSamples: Int?
    public var kmeansClusters: Int?
    public var kmeansInitializations: Int?
    public var gmmComponents: Int?
    public var silhouetteSample: Int?
    // run
    public var force = false
    public var resume = false
    public var checkpointEvery: Int?
    public var baselines = false
    public var noPlots = false
    public var map: MapMethod?
    /// Minutes; without `epochs`, the cap becomes `RunBehaviour.budgetEpochCap`.
    public var budget: Double?

    public init() {}

    func apply(to job: inout JobConfiguration) {
        func set<T>(_ value: T?, _ path: WritableKeyPath<JobConfiguration, T>) {
            if let value { job[keyPath: path] = value }
        }
        set(seed, \.seed)
        set(outputDirectory, \.outputDirectory)
        if let input {
            job.data.paths = input
            job.data.format = nil
        }
        set(format, \.data.format)
        set(textColumn, \.data.textColumn)
        if noLabels { job.data.labelColumn = .none } else if let labelColumn { job.data.labelColumn = .required(labelColumn) }
        set(maxFeatures, \.data.maxFeatures)
        set(testSize, \.data.testSize)
        set(validationRows, \.data.validationRows)
        if let maxRows { job.data.maxRows = maxRows }
        set(hidden, \.training.hidden)
        set(bottleneck, \.training.bottleneck)
        set(epochs, \.training.epochs)
        set(batchSize, \.training.batchSize)
        set(learningRate, \.training.learningRate)
        set(batchMode, \.training.batchMode)
        set(communication, \.training.communication)
        set(umapComponents, \.umap.components)
        set(umapNeighbors, \.umap.neighbors)
        set(umapMinDist, \.umap.minDist)
        if let umapEpochs { job.umap.epochs = umapEpochs }
        set(umapMetric, \.umap.metric)
        set(knn, \.umap.knn)
        set(manifold, \.manifold)
        set(isomapNeighbors, \.isomap.neighbors)
        set(isomapComponents, \.isomap.components)
        if let isomapLandmarks { job.isomap.landmarks = isomapLandmarks }
        set(dbscanEps, \.cluster.dbscanEps)
        set(dbscanMinSamples, \.cluster.dbscanMinSamples)
        set(kmeansClusters, \.cluster.kmeansClusters)
        set(kmeansInitializations, \.cluster.kmeansInitializations)
        set(gmmComponents, \.cluster.gmmComponents)
        set(silhouetteSample, \.cluster.silhouetteSample)
        set(checkpointEvery, \.run.checkpointEvery)
        job.run.force = force
        job.run.resume = resume
        job.run.baselines = baselines
        job.run.plots = !noPlots
        set(map, \.run.map)
        if let budget {
            job.run.budgetMinutes = budget
            if epochs == nil { job.training.epochs = RunBehaviour.budgetEpochCap }
        }
    }
}
