import Randomness
import Collectives
import LinearAlgebra

/// KMeans with scikit-learn's defaults and stopping rules: greedy k-means++ seeding, Lloyd
/// iterations until the labels stop changing or the squared centre shift falls to
/// `tolerance × mean column variance`, at most `maxIterations` iterations, best inertia of
/// `initializations` seeded runs. An emptied cluster takes the row farthest from its centre.
///
/// Distributed: each rank passes its own rows (blocks in rank order, any sizes, possibly none); each
/// rank labels its rows and the centroid sums are added over ranks, so every rank gets the same
/// centroids and inertia, and the labels of its own rows. With one rank (`LocalCommunicator`) it is
/// plain KMeans.
public struct KMeans: Sendable {
    public var clusters: Int
    public var initializations: Int
    public var maxIterations: Int
    public var tolerance: Double
    public var seed: UInt64
    /// Threads of this rank (`ParallelFor`); the result does not depend on it.
    public var threads: Int

    public init(clusters: Int, initializations: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4, seed: UInt64 = 13,
                threads: Int = 1) {
        self.clusters = clusters
        self.initializations = initializations
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.threads = threads
    }

    /// Clusters the rows of all ranks' `points`. Collective: every rank calls it with the same
    /// settings. Throws (on every rank alike) when there are fewer rows than clusters or a setting is
    /// out of range.
    public func fit(points: Matrix, world: Communicator = LocalCommunicator()) throws -> KMeansResult {
        guard clusters >= 1 else { throw ClusteringError("KMeans needs at least 1 cluster (got \(clusters)).") }
        guard initializations >= 1, maxIterations >= 1, tolerance >= 0 else {
            throw ClusteringError("KMeans needs n_init ≥ 1, max_iter ≥ 1 and tol ≥ 0 (got \(initializations), \(maxIterations), \(tolerance)).")
        }
        let shard = try RowShard(points, world: world)
        guard shard.total >= clusters else {
            throw ClusteringError("KMeans cannot make \(clusters) clusters from \(shard.total) rows; lower --kmeans-clusters.")
        }
        let threshold = shard.meanVariance(points, world: world) * tolerance
        var generator = SeededGenerator(seed: seed)
        var best: KMeansResult?
        for _ in 0..<initializations {
            let start = KMeansPlusPlus.centers(points, shard: shard, k: clusters, generator: &generator, threads: threads, world: world)
            var run = LloydIterations(points: points, shard: shard, k: clusters, centers: start, threads: threads)
            let result = run.iterate(maxIterations: maxIterations, threshold: threshold, world: world)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        return best!
    }
}

/// The outcome of `KMeans.fit`, the same on every rank except `labels`.
public struct KMeansResult: Sendable {
    /// `clusters × dims` centroids.
    public var centroids: Matrix
    /// The cluster of each of this rank's rows.
    public var labels: [Int]
    /// Sum over all rows of the squared distance to their centroid.
    public var inertia: Double
    /// Lloyd iterations of the kept run.
    public var iterations: Int
    /// The inertia of each assignment step of the kept run, in order (never rises).
    public var inertiaHistory: [Double]
    /// Rows per cluster over all ranks.
    public var sizes: [Int]
}
