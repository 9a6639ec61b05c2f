import ArgumentParser
import Datasets
import Foundation
import Storage

/// `n2d-mpi generate`: a seeded scale input (a mixture of curved 2-d sheets) with its true labels.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a seeded N × d float32 .npy of clustered, curved low-dimensional pieces, and its true labels.",
        discussion: """
        Each cluster is a 2-d sheet (Swiss roll, S-curve or sphere cap, in turn) curved in a random 3-d \
        subspace, scaled, placed at a random centre and blurred by Gaussian noise. The same flags give \
        the same bytes on any machine. Writes --output (float32, rows × dims) and --labels (a CSV with \
        a true_label column, read by `cluster --labels`), both atomically. One process; no MPI needed. \
        Example: n2d-mpi generate --rows 1000000 --dims 10 --clusters 10 --seed 1 --output scale.npy
        """
    )

    @Option(help: "Rows (points).")
    var rows: Int

    @Option(help: "Columns (dimensions, at least 3).")
    var dims = 10

    @Option(help: "Clusters (pieces).")
    var clusters = 10

    @Option(help: "Seed of every draw.")
    var seed: UInt64 = 1

    @Option(help: "Standard deviation of the noise on every coordinate (the pieces span about 4 units).")
    var noise: Float = 0.05

    @Option(help: "The .npy to write (float32, rows × dims).")
    var output: String

    @Option(help: "The labels CSV to write (default: the output's name with -labels.csv for .npy).")
    var labels: String?

    @Option(help: "Threads drawing the rows (the bytes do not depend on them).")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    /// Where the labels go.
    var labelsPath: String {
        labels ?? (output.hasSuffix(".npy") ? String(output.dropLast(4)) : output) + "-labels.csv"
    }

    func validate() throws {
        guard output.hasSuffix(".npy") else { throw ValidationError("--output must name a .npy file (got \(output)).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1 (got \(threads)).") }
        guard labelsPath != output else { throw ValidationError("--labels must differ from --output.") }
        do {
            _ = try ManifoldMixture(rows: rows, dims: dims, clusters: clusters, seed: seed, noise: noise)
        } catch let error as ManifoldMixture.InvalidSize {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let mixture = try ManifoldMixture(rows: rows, dims: dims, clusters: clusters, seed: seed, noise: noise)
        let (codes, truth) = mixture.generate(threads: threads)
        do {
            try AtomicFile.write(NPY.encode(codes), to: output)
            try AtomicFile.write(ManifoldMixture.labelsCSV(truth), to: labelsPath)
        } catch let error as FileError {
            throw ValidationError(error.description)
        }
        print("wrote \(output) (\(rows) × \(dims) float32, \(clusters) clusters, seed \(seed)) and \(labelsPath)")
    }
}
