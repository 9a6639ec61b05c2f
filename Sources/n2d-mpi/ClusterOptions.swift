import ArgumentParser
import N2D

/// The clustering flags, shared by `n2d-mpi cluster` and `n2d-mpi run`.
struct ClusterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("DBSCAN neighbourhood radius, or 'auto' to take it at the knee of the sorted distances to the min_samples-th neighbour, the value chosen reported (default: imdb 1, fashion-mnist auto).",
                               valueName: "eps|auto"))
    var dbscanEps: DBSCANEpsArgument?

    @Option(help: "DBSCAN min_samples: points within eps, the point itself included, that make a core point (default 50).")
    var dbscanMinSamples: Int?

    @Option(help: "KMeans clusters (default: imdb 5, fashion-mnist 10).")
    var kmeansClusters: Int?

    @Option(name: .customLong("kmeans-n-init"), help: "KMeans runs from different k-means++ seeds; the lowest inertia is kept.")
    var kmeansInitializations: Int = 10

    @Option(help: "Gaussian mixture components, full covariances; 0 skips the mixture (default: imdb 0, fashion-mnist 10).")
    var gmmComponents: Int?

    @Option(help: "Rows the silhouette is computed on; larger embeddings use a seeded sample of this many.")
    var silhouetteSample: Int = 10_000

    func validate() throws {
        if case .fixed(let eps)? = dbscanEps?.value, !(eps > 0) {
            throw ValidationError("--dbscan-eps must be a positive number or 'auto' (got \(eps)).")
        }
        if let dbscanMinSamples, dbscanMinSamples < 1 { throw ValidationError("--dbscan-min-samples must be at least 1 (got \(dbscanMinSamples)).") }
        if let kmeansClusters, kmeansClusters < 1 { throw ValidationError("--kmeans-clusters must be at least 1 (got \(kmeansClusters)).") }
        if kmeansInitializations < 1 { throw ValidationError("--kmeans-n-init must be at least 1 (got \(kmeansInitializations)).") }
        if let gmmComponents, gmmComponents < 0 { throw ValidationError("--gmm-components must be 0 (off) or more (got \(gmmComponents)).") }
        if silhouetteSample < 2 { throw ValidationError("--silhouette-sample must be at least 2 (got \(silhouetteSample)).") }
    }

    /// The stage settings these flags describe, the preset filling what was left out.
    func settings(_ job: JobOptions) -> ClusterSettings {
        let preset = job.values
        var settings = ClusterSettings()
        settings.dbscanEps = dbscanEps?.value ?? DBSCANEpsArgument(argument: preset.dbscanEps)?.value ?? .auto
        settings.dbscanMinSamples = dbscanMinSamples ?? preset.dbscanMinSamples
        settings.kmeansClusters = kmeansClusters ?? preset.kmeansClusters
        settings.kmeansInitializations = kmeansInitializations
        settings.gmmComponents = gmmComponents ?? preset.gmmComponents
        settings.silhouetteSample = silhouetteSample
        settings.seed = UInt64(job.seed)
        return settings
    }
}

/// `--dbscan-eps`: a number or `auto`.
struct DBSCANEpsArgument: ExpressibleByArgument {
    var value: ClusterSettings.Eps

    init(_ value: ClusterSettings.Eps) { self.value = value }

    init?(argument: String) {
        if argument.lowercased() == "auto" { value = .auto; return }
        guard let number = Float(argument), number.isFinite else { return nil }
        value = .fixed(number)
    }

    var defaultValueDescription: String {
        switch value {
        case .auto: return "auto"
        case .fixed(let eps): return eps == eps.rounded() ? String(Int(eps)) : String(eps)
        }
    }
}
