import ArgumentParser
import Foundation
import LinearAlgebra
import N2D
import Storage

struct ClusterCommand: ParsableCommand {
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


    @OptionGroup var job: JobOptions
    @OptionGroup var clustering: ClusterOptions
    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let input = try world.agreeing("cluster (reading inputs)") { () -> (Matrix, TrueLabels?)? in
                guard world.rank == 0 else { return nil }
                try FileManager.default.createDirectory(atPath: job.outputDir, withIntermediateDirectories: true)
                let points = try NPY.readMatrix(path: embedding ?? job.outputDir + "/umap.npy")
                let truth = try labels.map { try TrueLabels.read(path: $0, rows: points.rows) }
                    ?? TrueLabels.find(inOutputDirectory: job.outputDir, rows: points.rows)
                return (points, truth)
            }
            let report = try ClusterStage.run(embedding: input?.0 ?? Matrix(rows: 0, cols: 0), trueLabels: input?.1,
                                              settings: clustering.settings(job), outputDirectory: job.outputDir, world: world)
            if world.rank == 0 {
                print(report.summary)
                print("wrote \(job.outputDir)/\(LabelsFile.name) and the cluster section of \(job.outputDir)/\(MetricsFile.name)")
            }
        }
    }
}
