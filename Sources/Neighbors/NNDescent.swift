import Collectives
import Dispatch
import Foundation
import LinearAlgebra

/// Settings of the approximate search; `pynndescentDefaults` gives pynndescent's.
public struct NNDescentParameters: Equatable, Sendable {
    /// Random-projection trees whose leaves seed the graph.
    public var trees: Int
    /// Upper bound on NN-descent rounds.
    public var iterations: Int
    /// Candidates sampled per vertex and round (new and old each).
    public var maxCandidates: Int
    /// Points per tree leaf at most.
    public var leafSize: Int
    /// Stop when a round changes fewer than `delta · k · N` entries.
    public var delta: Double

    public init(trees: Int, iterations: Int, maxCandidates: Int, leafSize: Int, delta: Double) {
        self.trees = trees
        self.iterations = iterations
        self.maxCandidates = maxCandidates
        self.leafSize = leafSize
        self.delta = delta
    }

    /// pynndescent's defaults for `rows` points and `k` neighbours: max(3, min(12, round(2·log10 N)))
    /// trees, max(5, round(log2 N)) rounds, min(60, k) candidates, leaves of max(10, k), δ = 0.001.
    public static func pynndescentDefaults(rows: Int, k: Int) -> NNDescentParameters {
        let n = Double(max(rows, 2))
        return NNDescentParameters(trees: max(3, min(12, Int((2 * log10(n)).rounded()))),
                                   iterations: max(5, Int(log2(n).rounded())),
                                   maxCandidates: min(60, k), leafSize: max(10, k), delta: 0.001)
    }
}

/// Approximate k-nearest neighbours: a random-projection forest proposes candidates, NN-descent
/// refines them ("a neighbour of a neighbour is likely a neighbour").
///
/// Distributed by query rows: every rank holds all points and owns the neighbour lists of its
/// `RowPartition` block. Each round the ranks allgather the lists (indices and "new" marks), every
/// rank samples the same candidate lists (forward and reverse neighbours, by seeded hash priority), and
/// each rank improves only its own rows by joining its candidates' candidates ("pull" local join), so
/// no two ranks or threads ever write the same list. Reproducible for a fixed seed and rank count.
public enum ApproximateKNN {
    /// The `k` approximate nearest rows of `data` (the point itself first) for this rank's rows.
    /// Collective. `progress` receives (round, rounds, entries changed) after each round.
    public static func search(_ data: Matrix, k: Int, metric: NeighborMetric, parameters: NNDescentParameters,
                              seed: UInt64, world: Communicator, threads: Int = 1,
                              progress: ((Int, Int, Int) -> Void)? = nil) -> KNNGraph {
        precondition(k >= 1 && k <= data.rows, "k = \(k) must lie in 1...\(data.rows)")
        let space = metric.searchSpace(data)
        let n = space.rows
        let own = RowPartition(total: n, size: world.size).range(of: world.rank)
        var lists = NeighborLists(rows: own, capacity: k - 1)
        guard k > 1 else { return lists.graph(metric: metric) }
        let forest = RandomProjectionForest.build(space: space, count: parameters.trees, leafSize: parameters.leafSize,
                                                  seed: seed, threads: threads)
        space.storage.withUnsafeBufferPointer { x in
            let points = PointSet(x: x.baseAddress!, n: n, d: space.cols)
            lists.seed(from: forest, points: points, seed: seed, threads: threads)
            let stopBelow = Int(parameters.delta * Double(k * n))
            for round in 0..<parameters.iterations {
                let gathered = world.allgather(lists.encoded())
                let candidates = CandidateLists(encodedGraph: gathered, rows: n, width: k - 1,
                                                capacity: parameters.maxCandidates, seed: seed, round: round,
                                                threads: threads)
                let mine = candidates.withPointers { view -> Int in
                    lists.markSampledOld(view)
                    return lists.join(view, points: points, threads: threads)
                }
                let changed = world.allreduce(mine, op: .sum)
                progress?(round + 1, parameters.iterations, changed)
                if changed <= stopBelow { break }
            }
        }
        return lists.graph(metric: metric)
    }
}

/// Read-only access to all points in the search space.
struct PointSet {
    let x: UnsafePointer<Float>
    let n: Int
    let d: Int

    /// Hints the cache for point `i`'s coordinates.
    @inline(__always) func prefetch(_ i: Int) { Prefetch.span(x + i * d, count: d) }

    @inline(__always) func squaredDistance(_ i: Int, _ j: Int) -> Float {
        let a = x + i * d, b = x + j * d
        var s: Float = 0
        for t in 0..<d { let u = a[t] - b[t]; s += u * u }
        return s
    }
}
