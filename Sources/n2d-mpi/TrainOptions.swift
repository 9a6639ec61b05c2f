import ArgumentParser
import Autoencoder

/// The autoencoder training flags, as an option group for `n2d-mpi train` and `n2d-mpi run`.
struct TrainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden layer widths of the encoder, comma-separated (the decoder mirrors them).",
                               valueName: "widths"))
    var hidden = "1024,512,256"

    @Option(help: "Width of the bottleneck (the code).")
    var bottleneck = 10

    @Option(help: "Training epochs.")
    var epochs = 25

    @Option(help: "Batch size: the global batch, or each rank's with --batch-mode per-rank.")
    var batchSize = 32

    @Option(help: "Adam learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "global: --batch-size is the global batch (same update at any rank count); per-rank: each rank takes --batch-size rows and the rate scales with the ranks after a 1-epoch warm-up.")
    var batchMode: BatchMode = .global

    @Option(help: "How ranks form the gradient: auto (per layer, fewer bytes), gather (allgather layer inputs and errors), allreduce.")
    var comm: CommunicationChoice = .auto

    @Flag(help: "Continue from <output-dir>/model.ckpt if it exists (same configuration required).")
    var resume = false

    @Option(help: "Write the checkpoint every this many epochs (and after the last).")
    var checkpointEvery = 1

    /// The parsed `--hidden` widths.
    var hiddenWidths: [Int] { hidden.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let parts = hidden.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 > 0 } ?? false }) else {
            throw ValidationError("--hidden must be positive integers separated by commas, e.g. --hidden 1024,512,256 (got '\(hidden)').")
        }
        if bottleneck < 1 { throw ValidationError("--bottleneck must be at least 1 (got \(bottleneck)).") }
        if epochs < 1 { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        if batchSize < 1 { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
        if !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number such as 1e-3 (got \(learningRate)).")
        }
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1 (got \(checkpointEvery)).") }
    }

    /// The training configuration for data `inputWidth` wide; the checkpoint path is the stage's.
    func configuration(inputWidth: Int, seed: UInt64) -> TrainingConfiguration {
        var config = TrainingConfiguration(architecture: Architecture(inputWidth: inputWidth, hidden: hiddenWidths, bottleneck: bottleneck))
        config.epochs = epochs
        config.batchSize = batchSize
        config.adam = AdamSettings(learningRate: learningRate)
        config.seed = seed
        config.batchMode = batchMode
        config.communication = comm
        config.resume = resume
        config.checkpointEvery = checkpointEvery
        return config
    }
}

extension BatchMode: ExpressibleByArgument {}
extension CommunicationChoice: ExpressibleByArgument {}
