import ArgumentParser
import N2D

/// `n2d-mpi embed`: UMAP (or Isomap) of codes.npy (or any .npy matrix) across ranks.
struct EmbedCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed the autoencoder codes (or any .npy matrix) with UMAP, or Isomap with --manifold isomap, across ranks; writes umap.npy.",
        discussion: """
        Reads codes.npy from --output-dir (written by `train`) or the float32/float64 matrix given by \
        --codes, computes the kNN graph and the UMAP layout on all ranks, and writes umap.npy \
        (N × components float32), knn.npy with --save-knn, and the "embed" section of metrics.json. \
        Records the stage in stages.json (a later `run` re-embeds when the codes came from elsewhere). \
        Example: mpirun -np 2 n2d-mpi embed --codes my.npy --output-dir out --umap-neighbors 20
        """
    )

    @Option(help: "A .npy matrix (rows = points) to embed instead of <output-dir>/codes.npy.")
    var codes: String?

    @Flag(help: "Also write knn.npy: the kNN indices (N × neighbours, int64, the point itself first).")
    var saveKnn = false

    @OptionGroup var jobOptions: JobOptions
    @OptionGroup var umap: UMAPOptions
    @OptionGroup var runtime: RuntimeOptions

    func apply(to overrides: inout JobOverrides) {
        jobOptions.apply(to: &overrides)
        umap.apply(to: &overrides)
    }

    func validate() throws { try validateJob() }

    func run() throws {
        let job = self.job
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let runner = JobRunner(job: job, world: world, wholeJob: false)
            let input = try runner.input(fromFile: codes ?? job.outputDirectory + "/codes.npy", producedBy: .train)
            _ = try runner.embed(input, saveKNN: saveKnn)
        }
    }
}
