import ArgumentParser
import N2D

/// `n2d-mpi train`: read the input over the ranks and train the autoencoder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the autoencoder on the input's training rows, data-parallel over the ranks; writes model.ckpt, history.csv and codes.npy.",
        discussion: """
        Reads and featurizes the input as `vectorize` does, trains with the global batch split over \
        the ranks (the same update on 1 or N ranks), checkpoints every epoch (--resume continues), and \
        writes codes.npy: the bottleneck codes of the training rows in row order. \
        Example: mpirun -np 2 n2d-mpi train --preset imdb --input "IMDB Dataset.csv" --epochs 5
        """
    )

    @OptionGroup var job: JobOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainOptions
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            StopRequest.install()
            let (shard, _) = try VectorizeStage.run(data.spec(job), outputDirectory: job.outputDir, world: world)
            let output = try TrainStage.run(world: world, training: shard.training.features,
                                            validation: shard.validation.total > 0 ? shard.validation.features : nil,
                                            configuration: training.configuration(inputWidth: shard.columns, job: job),
                                            outputDirectory: job.outputDir)
            if world.rank == 0, let last = output.result.history.last {
                print("trained \(output.result.history.count) epochs; final loss \(last.loss)"
                      + (last.validationLoss.map { ", validation loss \($0)" } ?? "")
                      + "; wrote model.ckpt, history.csv, codes.npy to \(job.outputDir)")
            }
        }
    }
}
