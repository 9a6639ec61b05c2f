import ArgumentParser
import Autoencoder
import Collectives
import LinearAlgebra
import Storage

/// The multi-rank equality check: full-batch steps on the same global batch, at any rank count; rank 0
/// writes the final parameters (and, with --losses, every step's loss). The tests compare np 1, 2 and 4.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Train full-batch steps and write the parameters (rank 0).")

    @Option(help: "auto, gather, allreduce or shared.") var comm: CommunicationChoice = .auto
    @Option(help: "Epochs (each one step of one full batch unless --batch-size is smaller).") var steps = 2
    @Flag(help: "Dense input instead of CSR.") var dense = false
    @Option(help: "Where rank 0 writes the parameters (.npy).") var out: String
    @Option(help: "Checkpoint path (written each step; read with --resume).") var checkpoint: String?
    @Flag(help: "Continue from --checkpoint.") var resume = false
    @Option(help: "Shared path: ranks per machine that compute (default: the machine's cores).") var computeRanks: Int?
    @Option(help: "Adam's learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Adam's epsilon; one far above √v makes each step proportional to the gradient (SGD with momentum).")
    var epsilon: Float = 1e-7
    @Option(help: "Where rank 0 writes each step's training loss (.npy, one row).") var losses: String?
    @Option(help: "Rows of the synthetic counts.") var rows = 24
    @Option(help: "Global batch (default: all rows, one step per epoch; fewer: several steps per epoch, and each epoch's loss).")
    var batchSize: Int?

    func run() throws {
        let world = World.communicator()
        BLAS.threads = 1
        let counts = SyntheticCounts.make(rows: rows, cols: 30, meanNonZeros: 6, clusters: 3, seed: 7)
        let mine = counts.rows(RowPartition(total: rows, size: world.size).range(of: world.rank))
        var config = TrainingConfiguration(architecture: Architecture(inputWidth: 30, hidden: [16, 8], bottleneck: 3))
        config.epochs = steps
        config.batchSize = batchSize ?? rows
        config.communication = comm
        config.checkpointPath = checkpoint
        config.resume = resume
        config.computeRanksPerMachine = computeRanks
        config.adam.learningRate = learningRate
        config.adam.epsilon = epsilon
        let result = try Trainer(configuration: config, communicator: world)
            .train(training: dense ? .dense(mine.densified()) : .sparse(mine))
        if world.rank == 0 {
            let p = result.model.parameters
            try AtomicFile.write(NPY.encode(Matrix(rows: 1, cols: p.count, storage: p)), to: out)
            if let losses {
                let values = result.history.map { Float($0.loss) }
                try AtomicFile.write(NPY.encode(Matrix(rows: 1, cols: values.count, storage: values)), to: losses)
            }
            print("check: \(world.size) ranks, plan \(result.communicationSummary), loss \(result.history.map(\.loss))")
        }
        World.finish(world)
    }
}

extension CommunicationChoice: ExpressibleByArgument {}
extension BatchMode: ExpressibleByArgument {}
