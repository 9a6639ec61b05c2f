import ArgumentParser
import N2D

extension MapMethod: ExpressibleByArgument {}

/// `n2d-mpi run` (the default): the whole N2D job.
struct RunCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The whole N2D job: vectorize, train the autoencoder, UMAP, cluster, evaluate, plot.",
        discussion: """
        Stages whose artifacts in --output-dir were made with the same configuration are skipped \
        (--force recomputes), so a second run with another --dbscan-eps only re-clusters. Artifacts: \
        labels.csv, codes.npy, umap.npy, history.csv, metrics.json, model.n2d (for `predict`), \
        model.ckpt (for --resume), config.json, stages.json, true_labels.csv, vocabulary.tsv, loss.png, \
        map_*.png.

        Examples:
          n2d-mpi run --preset imdb --input "data/IMDB Dataset.csv"
          mpirun -np 8 --oversubscribe n2d-mpi run --preset fashion-mnist --epochs 20
          n2d-mpi run --input my.npy --format npy --test-size 0 --kmeans-clusters 7 --gmm-components 7
        """
    )

    @OptionGroup var jobOptions: JobOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var training: TrainOptions
    @OptionGroup var umap: UMAPOptions
    @OptionGroup var clustering: ClusterOptions
    @OptionGroup var runtime: RuntimeOptions

    @Flag(help: "Recompute every stage even when its artifacts match the configuration.")
    var force = false

    @Flag(help: "Also report the reference pipeline's baselines: KMeans on the raw features and on the codes.")
    var baselines = false

    @Flag(help: "Skip the PNG plots.")
    var noPlots = false

    @Option(help: "Wall-time budget in minutes for the whole run: training stops after the last epoch that leaves the later stages a tenth of it (at least a minute), at most --epochs (default with a budget: \(RunBehaviour.budgetEpochCap)). The epochs trained are printed and written to config.json; --epochs with them reproduces the run.")
    var budget: Double?

    @Option(help: "What the plots' 2-d maps are drawn on: tsne (a t-SNE of the codes, as the tutorial pipeline) or umap (default: \(Preset.defaults { $0.run.map.rawValue })).")
    var map: MapMethod?

    func apply(to overrides: inout JobOverrides) {
        jobOptions.apply(to: &overrides)
        data.apply(to: &overrides)
        training.apply(to: &overrides)
        umap.apply(to: &overrides)
        clustering.apply(to: &overrides)
        overrides.force = force
        overrides.baselines = baselines
        overrides.noPlots = noPlots
        overrides.map = map
        overrides.budget = budget
    }

    func validate() throws { try validateJob() }

    func run() throws {
        let job = self.job
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            StopRequest.install()
            try InputCheck.requireInput(job.data.paths, preset: job.preset, world: world)
            let report = try Pipeline.run(job, arguments: Array(CommandLine.arguments.dropFirst()), world: world)
            if world.rank == 0 { print(RunSummary.text(report, directory: job.outputDirectory)) }
        }
    }
}
