import Autoencoder
import Collectives
import Foundation
import LinearAlgebra
import Storage

/// The autoencoder stage of the pipeline: trains on every rank's rows, shows progress on rank 0,
/// and writes `model.ckpt` (every `checkpointEvery` epochs), `history.csv` and `codes.npy` (the codes
/// of all training rows, in row order) into the output directory (rank 0, atomically).
public enum TrainStage {
    /// The checkpoint's file name in the output directory.
    public static let checkpointFile = "model.ckpt"

    /// What the stage returns on every rank.
    public struct Output {
        /// History, final model, communication plan, step timings.
        public var result: TrainingResult
        /// This rank's rows' bottleneck codes (`rows × bottleneck`), for the next stage.
        public var ownCodes: Matrix
        /// Rank 0: every training row's code in row order; nil elsewhere.
        public var allCodes: Matrix?
    }

    /// Runs the stage. `configuration.checkpointPath` defaults to `<outputDirectory>/model.ckpt`.
    /// Every rank calls it with its own contiguous block of rows (`RowPartition`); errors are agreed
    /// (`RankFailure`). With a `deadline` the progress line counts the seconds left to it, and
    /// training ends after the last epoch that fits (see `TrainingDeadline`).
    public static func run(world: Communicator, training: FeatureMatrix, validation: FeatureMatrix?,
                           configuration: TrainingConfiguration, outputDirectory: String,
                           deadline: TrainingDeadline? = nil, showProgress: Bool = true) throws -> Output {
        var config = configuration
        if config.checkpointPath == nil { config.checkpointPath = outputDirectory + "/" + checkpointFile }
        var line: ProgressLine?
        var stepsRun = 0
        let started = Date()
        let result = try Trainer(configuration: config, communicator: world).train(training: training, validation: validation,
                                                                                  deadline: deadline, progress: { p in
            stepsRun += 1
            guard world.rank == 0, showProgress else { return }
            let detail = String(format: "step %d/%d loss %.5f %.0f samples/s", p.step, p.stepsPerEpoch, p.runningLoss, p.samplesPerSecond)
            if let deadline {
                // Under a budget the epoch count is not known in advance: the line runs over the seconds to the deadline.
                if line == nil {
                    line = ProgressLine(label: "train", total: Int(deadline.date.timeIntervalSince(started)), unit: "s of the budget",
                                        enabled: Console.showsProgress)
                }
                line?.update(Int(Date().timeIntervalSince(started)), detail: "epoch \(p.epoch) " + detail)
            } else {
                if line == nil { line = ProgressLine(label: "train", total: p.epochs * p.stepsPerEpoch, unit: "steps", enabled: Console.showsProgress) }
                line?.update((p.epoch - 1) * p.stepsPerEpoch + p.step, detail: "epoch \(p.epoch)/\(p.epochs) " + detail)
            }
        }, stopRequested: { StopRequest.shouldStop(world) })
        let last = result.history.last
        line?.finish(deadline.map { _ in Int(Date().timeIntervalSince(started)) }, detail: last.map { String(format: "loss %.5f", $0.loss) + ($0.validationLoss.map { String(format: " val_loss %.5f", $0) } ?? "") } ?? "")
        if world.rank == 0 && showProgress {
            Console.say("train: communication \(result.communicationSummary) (\(String(format: "%.2f", Double(result.plan.bytesPerStep) / 1e6)) MB per step per rank)"
                               + (result.resumedAfterEpoch.map { ", resumed after epoch \($0)" } ?? ""))
        }
        let ownCodes = result.model.encode(training)
        let gathered = world.gather(ownCodes.storage, root: 0)
        let allCodes = gathered.map { Matrix(rows: $0.count / max(ownCodes.cols, 1), cols: ownCodes.cols, storage: $0) }
        try world.agreeing("train outputs") {
            guard let allCodes else { return }
            try AtomicFile.write(historyCSV(result.history), to: outputDirectory + "/history.csv")
            try AtomicFile.write(NPY.encode(allCodes), to: outputDirectory + "/codes.npy")
            try MetricsFile.update(directory: outputDirectory, section: "train", value: metricsSection(result, stepsRun: stepsRun))
        }
        return Output(result: result, ownCodes: ownCodes, allCodes: allCodes)
    }

    /// The "train" section of metrics.json: epochs, the last epoch's loss and val_loss (null without
    /// validation rows), the seconds and steps per second of the epochs this run trained (a resumed
    /// run's restored epochs excluded; validation time included), and the communication path.
    static func metricsSection(_ result: TrainingResult, stepsRun: Int) -> [String: Any] {
        let trained = result.history.dropFirst(result.resumedAfterEpoch ?? 0)
        let seconds = trained.reduce(0) { $0 + $1.seconds }
        let last = result.history.last
        return [
            "epochs": result.history.count, "epochs_this_run": trained.count,
            "loss": last?.loss ?? NSNull(), "val_loss": last?.validationLoss ?? NSNull(),
            "seconds": seconds, "steps": stepsRun,
            "steps_per_second": seconds > 0 ? Double(stepsRun) / seconds : NSNull(),
            "communication": result.communicationSummary,
        ]
    }

    /// `epoch,loss,val_loss,seconds` rows (val_loss empty without validation rows), then where rank 0's
    /// steps spent the epoch: forward/backward, communication, update and lazy catch-up seconds
    /// (empty for epochs recorded before a resume from an older checkpoint).
    public static func historyCSV(_ history: [EpochRecord]) -> String {
        var text = "epoch,loss,val_loss,seconds,forward_backward_s,communication_s,update_s,catch_up_s\n"
        for r in history {
            let phases = r.phases.map { p in
                [p.forwardBackward, p.communication, p.update, p.catchUp].map { String(format: "%.3f", $0) }.joined(separator: ",")
            } ?? ",,,"
            text += "\(r.epoch),\(r.loss),\(r.validationLoss.map { "\($0)" } ?? ""),\(String(format: "%.3f", r.seconds)),\(phases)\n"
        }
        return text
    }
}
