import ArgumentParser
import Autoencoder
import N2D

/// The autoencoder training flags, as an option group for `n2d-mpi train` and `n2d-mpi run`.
struct TrainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden layer widths of the encoder, comma-separated (the decoder mirrors them; default: imdb 1024,512,256, fashion-mnist 500,500,2000).",
                               valueName: "widths"))
    var hidden: String?

    @Option(help: "Width of the bottleneck, the code (default 10).")
    var bottleneck: Int?

    @Option(help: "Training epochs (default: imdb 25, fashion-mnist 50).")
    var epochs: Int?

    @Option(help: "Batch size: the global batch, or each rank's with --batch-mode per-rank (default: imdb 32, fashion-mnist 256).")
    var batchSize: Int?

    @Option(help: "Adam learning rate.")
    var learningRate: Float = 1e-3

    @Option(help: "global: --batch-size is the global batch (same update at any rank count); per-rank: each rank takes --batch-size rows and the rate scales with the ranks after a 1-epoch warm-up.")
    var batchMode: BatchMode = .global

    @Option(help: "How ranks form the gradient: auto (shared when ranks share a machine, else per layer whichever moves fewer bytes), gather (allgather layer inputs and errors), allreduce, shared (gather, with one parameter copy per machine whose ranks split the update).")
    var comm: CommunicationChoice = .auto

    @Flag(help: "Continue from <output-dir>/model.ckpt if it exists (same configuration required).")
    var resume = false

    @Option(help: "Write the checkpoint every this many epochs (and after the last).")
    var checkpointEvery = 1

    /// The parsed `--hidden` widths, or the preset's.
    func hiddenWidths(_ preset: PresetValues) -> [Int] {
        hidden.map { $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } } ?? preset.hidden
    }

    func validate() throws {
        if let hidden {
            let parts = hidden.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 > 0 } ?? false }) else {
                throw ValidationError("--hidden must be positive integers separated by commas, e.g. --hidden 1024,512,256 (got '\(hidden)').")
            }
        }
        if let bottleneck, bottleneck < 1 { throw ValidationError("--bottleneck must be at least 1 (got \(bottleneck)).") }
        if let epochs, epochs < 1 { throw ValidationError("--epochs must be at least 1 (got \(epochs)).") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1 (got \(batchSize)).") }
        if !(learningRate > 0 && learningRate.isFinite) {
            throw ValidationError("--learning-rate must be a positive number such as 1e-3 (got \(learningRate)).")
        }
        if checkpointEvery < 1 { throw ValidationError("--checkpoint-every must be at least 1 (got \(checkpointEvery)).") }
    }

    /// The training configuration for data `inputWidth` wide; the checkpoint path is the stage's.
    func configuration(inputWidth: Int, job: JobOptions) -> TrainingConfiguration {
        let preset = job.values
        var config = TrainingConfiguration(architecture: Architecture(inputWidth: inputWidth, hidden: hiddenWidths(preset),
                                                                      bottleneck: bottleneck ?? preset.bottleneck))
        config.epochs = epochs ?? preset.epochs
        config.batchSize = batchSize ?? preset.batchSize
        let seed = UInt64(job.seed)
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
