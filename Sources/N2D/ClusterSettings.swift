import Clustering

/// What the cluster stage runs (the `n2d-mpi cluster` flags; defaults are the reference pipeline's).
public struct ClusterSettings: Sendable, Equatable {
    /// DBSCAN's radius: a given value, or chosen at the knee of the k-distance curve.
    public enum Eps: Sendable, Equatable {
        case fixed(Float)
        case auto
    }

    public var dbscanEps: Eps = .fixed(1)
    public var dbscanMinSamples = 50
    public var kmeansClusters = 5
    public var kmeansInitializations = 10
    /// Gaussian mixture components; 0 skips the mixture.
    public var gmmComponents = 0
    public var seed: UInt64 = 13
    /// Rows the silhouette is computed on (a seeded sample above this).
    public var silhouetteSample = 10_000

    public init() {}
}
