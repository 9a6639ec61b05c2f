import ArgumentParser
import N2D

/// `n2d-mpi embed`: UMAP of codes.npy (or any .npy matrix) across ranks.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "UMAP-embed the autoencoder codes (or any .npy matrix) across ranks; writes umap.npy.",
        discussion: """
        Reads codes.npy from --output-dir (written by `train`) or the float32/float64 matrix given by \
        --codes, computes the kNN graph and the UMAP layout on all ranks, and writes umap.npy \
        (N × components float32), knn.npy with --save-knn, and the "embed" section of metrics.json. \
        Example: mpirun -np 2 n2d-mpi embed --codes my.npy --output-dir out --umap-neighbors 20
        """
    )

    @Option(help: "A .npy matrix (rows = points) to embed instead of <output-dir>/codes.npy.")
    var codes: String?

    @Flag(help: "Also write knn.npy: the kNN indices (N × neighbours, int64, the point itself first).")
    var saveKnn = false

    @OptionGroup var job: JobOptions
    @OptionGroup var umap: UMAPOptions
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        let options = EmbedStage.Options(outputDirectory: job.outputDir, codesPath: codes, parameters: umap.parameters(job),
                                         saveKNN: saveKnn)
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            try EmbedStage.run(options, world: world)
        }
    }
}
