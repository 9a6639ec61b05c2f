import ArgumentParser
import N2D

/// The clustering flags, shared by `n2d-mpi cluster` and `n2d-mpi run`.
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("DBSCAN neighbourhood radius, or 'auto' to take it at the knee of the sorted distances to the min_samples-th neighbour, the value chosen reported (default: \(Preset.defaults { $0.cluster.dbscanEps })).",
                               valueName: "eps|auto"))
    var dbscanEps: ClusterSettings.Eps?

    @Option(help: "DBSCAN min_samples: points within eps, the point itself included, that make a core point (default \(Preset.defaults { $0.cluster.dbscanMinSamples })).")
    var dbscanMinSamples: Int?

    @Option(help: "KMeans clusters (default: \(Preset.defaults { $0.cluster.kmeansClusters })).")
    var kmeansClusters: Int?

    @Option(name: .customLong("kmeans-n-init"), help: "KMeans runs from different k-means++ seeds; the lowest inertia is kept (default \(Preset.defaults { $0.cluster.kmeansInitializations })).")
    var kmeansInitializations: Int?

    @Option(help: "Gaussian mixture components, full covariances; 0 skips the mixture (default: \(Preset.defaults { $0.cluster.gmmComponents })).")
    var gmmComponents: Int?

    @Option(help: "Rows the silhouette is computed on; larger embeddings use a seeded sample of this many (default \(Preset.defaults { $0.cluster.silhouetteSample })).")
    var silhouetteSample: Int?

    func apply(to overrides: inout JobOverrides) {
        overrides.dbscanEps = dbscanEps
        overrides.dbscanMinSamples = dbscanMinSamples
        overrides.kmeansClusters = kmeansClusters
        overrides.kmeansInitializations = kmeansInitializations
        overrides.gmmComponents = gmmComponents
        overrides.silhouetteSample = silhouetteSample
    }
}

/// `--dbscan-eps`: a number or `auto`.
extension ClusterSettings.Eps: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
