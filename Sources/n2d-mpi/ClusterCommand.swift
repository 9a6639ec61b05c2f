import ArgumentParser
import N2D

struct ClusterCommand: JobCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster a UMAP embedding with DBSCAN, KMeans and optionally a Gaussian mixture; score against true labels.",
        discussion: """
        Reads umap.npy from --output-dir (or --embedding FILE.npy, float32/float64, rows × dims) and \
        writes labels.csv (row, source_id, true_label, dbscan, kmeans, gmm) and the "cluster" section \
        of metrics.json there. True labels (for ACC/NMI/ARI) come from --labels FILE — one label per \
        line, or a .csv with a header whose true_label (or label, else last) column holds them and an \
        optional source_id column — or from true_labels.csv / labels.txt in --output-dir. \
        KMeans and the mixture share the rows among MPI ranks. \
        Example: mpirun -np 4 n2d-mpi cluster --embedding umap.npy --labels y.txt --dbscan-eps auto
        """
    )

    @Option(help: "The embedding to cluster (.npy, rows × dims); default: umap.npy in --output-dir.")
    var embedding: String?

    @Option(help: "True labels, one per row (see above); default: true_labels.csv or labels.txt in --output-dir when present.")
    var labels: String?

    @OptionGroup var jobOptions: JobOptions
    @OptionGroup var clustering: ClusterOptions
    @OptionGroup var runtime: RuntimeOptions

    func apply(to overrides: inout JobOverrides) {
        jobOptions.apply(to: &overrides)
        clustering.apply(to: &overrides)
    }

    func validate() throws { try validateJob() }

    func run() throws {
        let job = self.job
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let runner = JobRunner(job: job, world: world, wholeJob: false)
            let points = try runner.input(fromFile: embedding ?? job.outputDirectory + "/umap.npy", producedBy: .embed)
            let truth = try world.agreeing("cluster: true labels") { () -> TrueLabels? in
                guard world.rank == 0 else { return nil }
                return try labels.map { try TrueLabels.read(path: $0, rows: points.matrix.rows) }
                    ?? TrueLabels.find(inOutputDirectory: job.outputDirectory, rows: points.matrix.rows)
            }
            let report = try runner.cluster(points, truth: truth)
            if world.rank == 0 {
                print(report.summary)
                print("wrote \(job.outputDirectory)/\(LabelsFile.name) and the cluster section of \(job.outputDirectory)/\(MetricsFile.name)")
            }
        }
    }
}
