/// How batches are formed across ranks (`--batch-mode`).
public enum BatchMode: String, Codable, CaseIterable, Sendable {
    /// `batchSize` is the global batch: each rank takes its share of every batch from its own rows,
    /// so one step gives the same update on 1 or many ranks.
    case global
    /// Each rank takes `batchSize` rows; the global batch grows with the ranks and the learning rate
    /// is scaled by the rank count after a linear warm-up (Horovod's convention).
    case perRank = "per-rank"
}

/// Everything that defines a training run.
public struct TrainingConfiguration: Equatable, Codable, Sendable {
    public var architecture: Architecture
    public var epochs: Int = 25
    public var batchSize: Int = 32
    public var adam = AdamSettings()
    public var seed: UInt64 = 13
    public var batchMode: BatchMode = .global
    /// Per-rank mode: epochs over which the rate grows linearly from `learningRate` to `ranks × learningRate`.
    public var warmupEpochs: Int = 1
    public var communication: CommunicationChoice = .auto
    /// Where the checkpoint is written (rank 0) and read on resume; nil: no checkpoints.
    public var checkpointPath: String?
    /// Write the checkpoint every this many epochs (and after the last).
    public var checkpointEvery: Int = 1
    /// Continue from `checkpointPath` if it exists.
    public var resume = false
    /// Threads for the optimizer and gradient loops; nil: OpenBLAS's thread count.
    public var threads: Int?
    /// Shared path: on a machine running more ranks than this, only its first this-many local ranks
    /// compute (`BatchPool`); nil: the machine's core count. Not part of the fingerprint: it changes
    /// who computes which rows, not the optimisation.
    public var computeRanksPerMachine: Int?

    public init(architecture: Architecture) { self.architecture = architecture }

    /// What a checkpoint must match to be resumed: everything that changes the arithmetic of a step
    /// or the order of batches, except the rank count and communication path (a resumed run at
    /// another rank count continues the same optimisation with other batch compositions).
    func fingerprint(trainingRows: Int, sparseInput: Bool) -> [String: String] {
        [
            "architecture": architecture.description,
            "input": sparseInput ? "sparse" : "dense",
            "training rows": String(trainingRows),
            "batch size": String(batchSize),
            "batch mode": batchMode.rawValue,
            "learning rate": String(adam.learningRate),
            "adam": "\(adam.beta1),\(adam.beta2),\(adam.epsilon)",
            "seed": String(seed),
            "warm-up epochs": batchMode == .perRank ? String(warmupEpochs) : "-",
        ]
    }
}

/// One epoch's results, as in `history.csv`.
public struct EpochRecord: Equatable, Codable, Sendable {
    /// 1-based.
    public var epoch: Int
    /// Mean squared error over the epoch's training batches (each before its update), over all ranks.
    public var loss: Double
    /// Mean squared error on the validation rows after the epoch; nil without validation rows.
    public var validationLoss: Double?
    /// Wall time of the epoch, validation included.
    public var seconds: Double
    /// Where rank 0's steps spent the epoch (nil in checkpoints written before it was recorded).
    public var phases: StepTimings?
}

/// A snapshot for progress reporting, delivered after every step.
public struct TrainingProgress: Sendable {
    /// 1-based epoch and step within it.
    public var epoch: Int
    public var epochs: Int
    public var step: Int
    public var stepsPerEpoch: Int
    /// Mean squared error of the rows this rank computed in the epoch so far.
    public var runningLoss: Double
    /// Training rows per second (all ranks) since the epoch began.
    public var samplesPerSecond: Double
}

/// What training produced.
public struct TrainingResult: Sendable {
    public var model: AutoencoderModel
    /// Every epoch, including those restored from a checkpoint.
    public var history: [EpochRecord]
    public var plan: CommunicationPlan
    /// The epoch the run resumed after (nil: started fresh).
    public var resumedAfterEpoch: Int?
    /// This rank's step time by phase.
    public var timings: StepTimings
    /// Ranks per machine that computed, when batches were pooled (`BatchPool`); nil: every rank did.
    public var computeRanksPerMachine: Int?

    /// The path that ran, e.g. "shared, batches pooled on 2 ranks per machine".
    public var communicationSummary: String {
        plan.description + (computeRanksPerMachine.map { ", batches pooled on \($0) rank\($0 == 1 ? "" : "s") per machine" } ?? "")
    }
}
