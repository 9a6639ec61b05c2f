import Collectives
import Foundation
import UMAP

/// One stage of the job as the ledger knows it: its name, the slice of the job configuration its
/// results depend on, the files it leaves in the output directory, and the stages that read them.
///
/// How a stage is added: give it an entry here (its settings slice and artifacts, and add it to the
/// `downstream` of the stages it reads), a `JobRunner` method that computes it through
/// `StageRunner.run`, and a call in `Pipeline.run` and in its subcommand.
public struct Stage: Sendable {
    public let name: String
    /// Files of the output directory the stage writes; a stage whose files are missing is not current.
    public let artifacts: [String]
    /// Stages whose results are made from this one's: forgotten when it is recomputed.
    public let downstream: [String]
    /// The settings the stage's results depend on (and nothing about how the run goes).
    let settings: @Sendable (JobConfiguration) -> any Encodable

    public static let train = Stage(name: "train", artifacts: ["codes.npy", "history.csv", TrainStage.checkpointFile],
                                    downstream: ["embed", "cluster"]) { SeededSettings(settings: $0.training, seed: $0.seed) }
    public static let embed = Stage(name: "embed", artifacts: ["umap.npy"], downstream: ["cluster"]) {
        $0.manifold == .umap ? EmbedSettings(method: .umap, umap: $0.umap, isomap: nil)
                             : EmbedSettings(method: .isomap, umap: nil, isomap: $0.isomap)
    }
    public static let cluster = Stage(name: "cluster", artifacts: [LabelsFile.name], downstream: []) { $0.cluster }

    /// The fingerprint of this stage's results for `job`, made from `upstream` (the fingerprint of
    /// what it reads).
    public func fingerprint(_ job: JobConfiguration, upstream: String) -> String {
        StageLedger.fingerprint(settings(job), upstream: upstream)
    }
}

/// The embed stage's slice: the chosen method and its settings only.
struct EmbedSettings: Encodable {
    var method: ManifoldMethod
    var umap: UMAPParameters?
    var isomap: IsomapSettings?
}

/// Settings that do not hold the job's seed themselves, with it.
struct SeededSettings<Settings: Encodable>: Encodable {
    var settings: Settings
    var seed: UInt32
}

/// Runs stages over one output directory and keeps its ledger (`stages.json`) true: a stage's entry
/// and those of the stages downstream are forgotten before it writes anything, and its new
/// fingerprint is recorded only once its artifacts are complete. Rank 0 reads and writes the
/// ledger; every rank learns its decisions, so ranks without a shared filesystem agree.
public struct StageRunner {
    public let directory: String
    /// Recompute stages even when their artifacts are current.
    public let force: Bool
    private let world: Communicator
    private var ledger: StageLedger
    /// The stages that were current and were not recomputed, in order.
    public private(set) var skipped: [String] = []

    public init(directory: String, force: Bool, world: Communicator) {
        self.directory = directory
        self.force = force
        self.world = world
        ledger = StageLedger(directory: directory)
    }

    /// The fingerprint of `stage`'s artifacts as rank 0's ledger records it, on every rank.
    public func recorded(_ stage: Stage) -> String? {
        world.broadcast(world.rank == 0 ? ledger.fingerprint(of: stage.name) ?? "" : "", root: 0).nonEmpty
    }

    /// Runs `compute` and records `fingerprint` for `stage`; or, when the stage's artifacts were
    /// made with `fingerprint` and `force` is off, returns `reuse()` (which reads them). A collective.
    public mutating func run<T>(_ stage: Stage, fingerprint: String, reuse: () throws -> T,
                                compute: () throws -> T) throws -> T {
        if !force, world.allreduce(
            world.rank == 0 && ledger.isCurrent(stage.name, fingerprint: fingerprint, artifacts: stage.artifacts) ? 1 : 0,
            op: .max) == 1 {
            skipped.append(stage.name)
            return try reuse()
        }
        return try always(stage, fingerprint: fingerprint, compute: compute)
    }

    /// Runs `compute` and records `fingerprint` for `stage`, whether or not its artifacts are
    /// current. The output directory is created (and checked writable) first.
    public mutating func always<T>(_ stage: Stage, fingerprint: String, compute: () throws -> T) throws -> T {
        try OutputDirectory.prepare(directory, world: world)
        try world.agreeing("\(stage.name): ledger") {
            if world.rank == 0 { try ledger.forget([stage.name] + stage.downstream) }
        }
        let value = try compute()
        try record(stage, fingerprint: fingerprint)
        return value
    }

    /// Records `fingerprint` for `stage`, whose artifacts are complete: `always` does it, and a stage
    /// that settled a setting while it ran records what it did (training under a budget settles its
    /// epochs). A collective.
    public mutating func record(_ stage: Stage, fingerprint: String) throws {
        try world.agreeing("\(stage.name): ledger") {
            if world.rank == 0 { try ledger.record(stage.name, fingerprint: fingerprint) }
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
