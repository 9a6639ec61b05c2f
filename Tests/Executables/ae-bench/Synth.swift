import ArgumentParser
import Autoencoder
import LinearAlgebra
import Storage

/// Options shared by the commands that train on the synthetic IMDB-shaped counts.
struct SyntheticOptions: ParsableArguments {
    @Option(help: "Rows of the synthetic count matrix.") var rows = 25_000
    @Option(help: "Columns (vocabulary).") var cols = 5_000
    @Option(help: "Mean distinct columns per row.") var nonZeros = 69.5
    @Option(help: "Planted clusters.") var clusters = 5
    @Option(help: "Seed of the data.") var dataSeed: UInt64 = 13

    func make() -> CSRMatrix {
        SyntheticCounts.make(rows: rows, cols: cols, meanNonZeros: nonZeros, clusters: clusters, seed: dataSeed)
    }
}

/// Writes the synthetic matrix as three .npy files (indptr, indices: int64; data: float32) so the
/// Keras reference trains on the very same data.
struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "synth", abstract: "Write the synthetic CSR counts as .npy files.")

    @OptionGroup var data: SyntheticOptions
    @Option(help: "Output directory.") var out: String

    func run() throws {
        let m = data.make()
        try AtomicFile.write(NPY.encode(m.rowPointers.map(Int64.init), shape: [m.rows + 1]), to: out + "/indptr.npy")
        try AtomicFile.write(NPY.encode(m.columnIndices.map(Int64.init), shape: [m.nonZeroCount]), to: out + "/indices.npy")
        try AtomicFile.write(NPY.encode(Matrix(rows: 1, cols: m.nonZeroCount, storage: m.values)), to: out + "/data.npy")
        print("wrote \(m.rows)×\(m.cols) counts, \(String(format: "%.1f", Double(m.nonZeroCount) / Double(m.rows))) non-zeros per row, to \(out)")
    }
}
