import ArgumentParser
import Autoencoder
import N2D

/// The autoencoder training flags, as an option group for `n2d-mpi train` and `n2d-mpi run`.
struct TrainOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Hidden layer widths of the encoder, comma-separated (the decoder mirrors them; default: \(Preset.defaults { $0.training.hidden.map(String.init).joined(separator: ",") })).",
                               valueName: "widths"))
    var hidden: String?

    @Option(help: "Width of the bottleneck, the code (default \(Preset.defaults { $0.training.bottleneck })).")
    var bottleneck: Int?

    @Option(help: "Training epochs (default: \(Preset.defaults { $0.training.epochs })).")
    var epochs: Int?

    @Option(help: "Batch size: the global batch, or each rank's with --batch-mode per-rank (default: \(Preset.defaults { $0.training.batchSize })).")
    var batchSize: Int?

    @Option(help: "Adam learning rate (default \(Preset.defaults { $0.training.learningRate })).")
    var learningRate: Float?

    @Option(help: "global: --batch-size is the global batch (same update at any rank count); per-rank: each rank takes --batch-size rows and the rate scales with the ranks after a 1-epoch warm-up (default \(Preset.defaults { $0.training.batchMode.rawValue })).")
    var batchMode: BatchMode?

    @Option(help: "How ranks form the gradient: auto (shared when ranks share a machine, else per layer whichever moves fewer bytes), gather (allgather layer inputs and errors), allreduce, shared (gather, with one parameter copy per machine whose ranks split the update) (default \(Preset.defaults { $0.training.communication.rawValue })).")
    var comm: CommunicationChoice?

    @Flag(help: "Continue from <output-dir>/model.ckpt if it exists (same configuration required).")
    var resume = false

    @Option(help: "Write the checkpoint every this many epochs (and after the last; default \(Preset.defaults { $0.run.checkpointEvery })).")
    var checkpointEvery: Int?

    /// The parsed `--hidden` widths.
    var hiddenWidths: [Int]? {
        hidden.map { $0.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    }

    func validate() throws {
        if let hidden {
            let parts = hidden.split(separator: ",", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)) != nil }) else {
                throw ValidationError("--hidden must be positive integers separated by commas, e.g. --hidden 1024,512,256 (got '\(hidden)').")
            }
        }
    }

    func apply(to overrides: inout JobOverrides) {
        overrides.hidden = hiddenWidths
        overrides.bottleneck = bottleneck
        overrides.epochs = epochs
        overrides.batchSize = batchSize
        overrides.learningRate = learningRate
        overrides.batchMode = batchMode
        overrides.communication = comm
        overrides.resume = resume
        overrides.checkpointEvery = checkpointEvery
    }
}

extension BatchMode: ExpressibleByArgument {}
extension CommunicationChoice: ExpressibleByArgument {}
