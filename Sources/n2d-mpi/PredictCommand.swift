import ArgumentParser
import Datasets
import LinearAlgebra
import N2D

extension RowSelection: ExpressibleByArgument {}

/// `n2d-mpi predict`: new rows into a model's embedding and clusters.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Place new rows into a run's embedding and clusters, with the model the run left (model.n2d).",
        discussion: """
        Vectorizes the input with the model's vocabulary (or checks its columns), encodes it with the \
        trained autoencoder, places it into the embedding (UMAP: as umap-learn's transform does; \
        Isomap: as scikit-learn's, one shortest-path search per row over the training graph), and \
        assigns each row: KMeans's nearest centroid, the mixture's most responsible component (and its \
        probability), DBSCAN's nearest core point within eps (else noise, -1). Writes labels.csv, \
        codes.npy, umap.npy and the "predict" section of metrics.json into --output-dir. Each rank \
        places its own block of the rows; the files are the same at any rank count.

        Examples:
          n2d-mpi predict --model n2d-output --input "data/IMDB Dataset.csv" --split test --output-dir predicted
          mpirun -np 2 n2d-mpi predict --model fashion-run --input /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz --output-dir new
        """
    )

    @Option(help: "The output directory of the run whose model (model.n2d) places the rows.")
    var model: String

    @Option(help: "The rows to place (the same formats as `run`; default: the model's own input).")
    var input: String?

    @Option(help: ArgumentHelp("Input format: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: from the file name).",
                               valueName: "format"))
    var format: String?

    @Option(help: "all: every row of the input; test or train: the rows of that part of the split the model's run used (the input must be that file).")
    var split: RowSelection = .all

    @Option(help: "Directory of the predictions (created when missing).")
    var outputDir: String

    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        if let format, DataFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(format)').")
        }
        if outputDir.isEmpty { throw ValidationError("--output-dir must not be empty.") }
    }

    func run() throws {
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let options = PredictStage.Options(modelDirectory: model, input: input, format: format.flatMap(DataFormat.init(rawValue:)),
                                               selection: split, outputDirectory: outputDir, threads: BLAS.threads)
            let report = try PredictStage.run(options, world: world)
            if world.rank == 0 {
                print(PredictStage.summary(report, directory: outputDir))
            }
        }
    }
}

/// `n2d-mpi model info DIR`: what a model holds.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect the model a run left (model.n2d).",
        subcommands: [ModelInfoCommand.self]
    )
}

struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print what a model holds: its format, the job that made it, the autoencoder, the embedding and the clusterers; checks every checksum."
    )

    @Argument(help: "The run's output directory (holding model.n2d).")
    var directory: String

    func run() throws {
        do {
            let model = try ModelFile.read(directory: directory)
            print(ModelFile.describe(model, path: directory + "/" + ModelFile.name))
        } catch let error as ModelError {
            throw ValidationError(error.description)
        }
    }
}
