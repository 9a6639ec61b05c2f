import ArgumentParser
import N2D

/// `n2d-mpi train`: read the input over the ranks and train the autoencoder.
struct TrainCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the autoencoder on the input's training rows, data-parallel over the ranks; writes model.ckpt, history.csv and codes.npy.",
        discussion: """
        Reads and featurizes the input as `vectorize` does, trains with the global batch split over \
        the ranks (the same update on 1 or N ranks), checkpoints every epoch (--resume continues), and \
        writes codes.npy: the bottleneck codes of the training rows in row order. Records the stage \
        in stages.json, so a later `run` with the same settings reuses these codes. \
        Example: mpirun -np 2 n2d-mpi train --preset imdb --input "IMDB Dataset.csv" --epochs 5
        """
    )

    @OptionGroup var jobOptions: JobOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainOptions
    @OptionGroup var runtime: RuntimeOptions

    func apply(to overrides: inout JobOverrides) {
        jobOptions.apply(to: &overrides)
        data.apply(to: &overrides)
        training.apply(to: &overrides)
    }

    func validate() throws { try validateJob() }

    func run() throws {
        let job = self.job
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            StopRequest.install()
            let runner = JobRunner(job: job, world: world, wholeJob: false)
            let data = try runner.vectorize()
            Console.say(data.summary.text)
            _ = try runner.train(data)
            if world.rank == 0, let history = runner.trainingResult?.history, let last = history.last {
                print("trained \(history.count) epochs; final loss \(last.loss)"
                      + (last.validationLoss.map { ", validation loss \($0)" } ?? "")
                      + "; wrote model.ckpt, history.csv, codes.npy to \(job.outputDirectory)")
            }
        }
    }
}
