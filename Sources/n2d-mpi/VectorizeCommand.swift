import ArgumentParser
import N2D

/// `n2d-mpi vectorize`: read and featurize the input over the ranks, write the vocabulary, the split
/// and a summary.
struct VectorizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vectorize",
        abstract: "Read the input over the ranks and build its feature matrix (text: cleaned bag of words).",
        discussion: """
        Writes vocabulary.tsv (text), split_train.txt and split_test.txt (input row indices in split \
        order) and the "vectorize" section of metrics.json into --output-dir. Example: \
        mpirun -np 2 n2d-mpi vectorize --input "IMDB Dataset.csv" --output-dir out
        """
    )

    @OptionGroup var job: JobOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let (_, summary) = try VectorizeStage.run(data.spec(job), outputDirectory: job.outputDir, world: world)
            if world.rank == 0 { print(summary.text) }
        }
    }
}
