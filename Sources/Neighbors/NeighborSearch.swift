import Collectives
import LinearAlgebra

/// How the kNN graph is computed.
public enum KNNMethod: String, Codable, CaseIterable, Sendable {
    /// Exact up to `NeighborSearch.exactLimit` rows, approximate above.
    case auto
    /// Brute force through BLAS: O(N²·d), exact.
    case exact
    /// Random-projection forest + NN-descent: about O(N·k²·rounds), recall ≈ 0.95–1.
    case approximate

    /// The concrete method for `rows` points (`auto` resolved).
    public func resolved(rows: Int) -> KNNMethod {
        guard self == .auto else { return self }
        return rows <= NeighborSearch.exactLimit ? .exact : .approximate
    }
}

/// The kNN graph of a point set, with the queries partitioned over ranks: every rank holds all points
/// and answers the rows `RowPartition(total: N, size: world.size).range(of: world.rank)`.
public enum NeighborSearch {
    /// `auto` searches exactly up to this many rows (where brute force is still faster than NN-descent).
    public static let exactLimit = 40_000

    /// This rank's block of the kNN graph (the point itself first in every row). Collective.
    /// `progress` receives (round, rounds, entries changed) from NN-descent.
    public static func search(_ data: Matrix, k: Int, metric: NeighborMetric, method: KNNMethod, seed: UInt64,
                              world: Communicator, threads: Int = 1,
                              progress: ((Int, Int, Int) -> Void)? = nil) -> KNNGraph {
        switch method.resolved(rows: data.rows) {
        case .exact, .auto:
            let own = RowPartition(total: data.rows, size: world.size).range(of: world.rank)
            return ExactKNN.search(data, queries: own, k: k, metric: metric, threads: threads)
        case .approximate:
            return ApproximateKNN.search(data, k: k, metric: metric,
                                         parameters: .pynndescentDefaults(rows: data.rows, k: k),
                                         seed: seed, world: world, threads: threads, progress: progress)
        }
    }
}
