import ArgumentParser
import N2D

/// `n2d-mpi vectorize`: read and featurize the input over the ranks, write the vocabulary, the split
/// and a summary.
struct VectorizeCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectorize",
        abstract: "Read the input over the ranks and build its feature matrix (text: cleaned bag of words).",
        discussion: """
        Writes vocabulary.tsv (text), split_train.txt and split_test.txt (input row indices in split \
        order), true_labels.csv (when the input has labels) and the "vectorize" section of \
        metrics.json into --output-dir. Example: \
        mpirun -np 2 n2d-mpi vectorize --input "IMDB Dataset.csv" --output-dir out
        """
    )

    @OptionGroup var jobOptions: JobOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var runtime: RuntimeOptions

    func apply(to overrides: inout JobOverrides) {
        jobOptions.apply(to: &overrides)
        data.apply(to: &overrides)
    }

    func validate() throws { try validateJob() }

    func run() throws {
        let job = self.job
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let data = try JobRunner(job: job, world: world, wholeJob: false).vectorize()
            if world.rank == 0 { print(data.summary.text) }
        }
    }
}
