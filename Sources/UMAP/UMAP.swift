import Randomness
import Collectives
import Dispatch
import LinearAlgebra
import Neighbors

/// What a running UMAP reports, for the caller to show.
public enum UMAPProgress {
    /// The kNN method chosen (after resolving `auto`), with the number of rows.
    case neighbors(KNNMethod, rows: Int)
    /// One NN-descent round finished: (round, rounds, entries changed).
    case neighborRound(Int, Int, Int)
    /// How the layout was initialised ("spectral", or the fallback and why).
    case initialisation(String)
    /// Layout epochs done of the total.
    case epoch(Int, Int)
}

/// The outcome of a UMAP run on one rank.
public struct UMAPResult {
    /// N × components coordinates, complete and identical on every rank.
    public var embedding: Matrix
    /// This rank's rows of the kNN graph (its `RowPartition` block).
    public var neighbors: KNNGraph
    /// The kNN method used.
    public var knnMethod: KNNMethod
    /// How the layout was initialised.
    public var initialisation: String
    /// Epochs run.
    public var epochs: Int
    /// Seconds per stage: "knn", "fuzzy_set", "init", "layout", "layout_sync" (allreduce share of layout).
    public var seconds: [String: Double]
    /// Edges of the pruned fuzzy graph (both directions).
    public var edges: Int
    /// The ranks and the threads per rank that computed it.
    public var ranks: Int, threads: Int
}

/// UMAP (McInnes, Healy & Melville) across ranks, as umap-learn computes it: kNN graph → σ/ρ and
/// memberships per owned row → fuzzy union → pruning → spectral initialisation → layout SGD.
public enum UMAP {
    /// Embeds `codes` (all N rows, the same on every rank) into `parameters.components` dimensions.
    /// Collective: every rank calls it with the same arguments. Throws `UMAPError` (before any
    /// collective, on every rank alike) when the parameters cannot run on these rows.
    public static func fit(codes: Matrix, parameters: UMAPParameters, world: Communicator, threads: Int = 1,
                           progress: ((UMAPProgress) -> Void)? = nil) throws -> UMAPResult {
        try parameters.validate(rows: codes.rows)
        let n = codes.rows, k = parameters.neighbors
        var phases = PhaseSeconds()

        let method = parameters.knn.resolved(rows: n)
        progress?(.neighbors(method, rows: n))
        let knn = NeighborSearch.search(codes, k: k, metric: parameters.metric, method: method, seed: parameters.seed,
                                        world: world, threads: threads) { progress?(.neighborRound($0, $1, $2)) }
        phases.lap("knn")

        let graph = fuzzyGraph(knn, parameters: parameters, rows: n, world: world)
        let epochs = parameters.epochCount(rows: n)
        phases.lap("fuzzy_set")

        // Every rank runs the spectral start (large components multiply by row blocks over the ranks)
        // and gets the same bits; rank 0's copy is broadcast all the same, so that ranks on hosts
        // whose LAPACK rounds differently still lay out from one start.
        let start = SpectralInitialization.layout(graph: graph, dim: parameters.components, seed: parameters.seed,
                                                  world: world, threads: threads)
        var embedding = scaledToBox(start.embedding, seed: parameters.seed)
        world.broadcast(&embedding.storage, root: 0)
        let initialisation = start.method
        progress?(.initialisation(initialisation))
        phases.lap("init")

        let edges = LayoutEdges(graph: graph, ownRows: RowPartition(total: n, size: world.size).range(of: world.rank))
        let optimizer = LayoutOptimizer(curve: .fit(minDist: parameters.minDist, spread: parameters.spread), epochs: epochs,
                                        negativeSampleRate: parameters.negativeSampleRate,
                                        learningRate: parameters.learningRate, seed: parameters.seed)
        phases.seconds["layout_sync"] = optimizer.optimize(&embedding, edges: edges, world: world, threads: threads) {
            progress?(.epoch($0, $1))
        }
        phases.lap("layout")
        return UMAPResult(embedding: embedding, neighbors: knn, knnMethod: method, initialisation: initialisation,
                          epochs: epochs, seconds: phases.seconds, edges: graph.nonZeroCount, ranks: world.size, threads: threads)
    }

    /// The pruned fuzzy graph of all N rows, the same on every rank: σ/ρ and memberships of this rank's
    /// rows, allgathered, united and pruned (the unpruned union is released on return).
    static func fuzzyGraph(_ knn: KNNGraph, parameters: UMAPParameters, rows n: Int, world: Communicator) -> CSRMatrix {
        let k = knn.k
        let distanceSum = world.allreduce(knn.distances.reduce(0.0) { $0 + Double($1) }, op: .sum)
        let smooth = SmoothKNNDistances(graph: knn, meanDistance: distanceSum / Double(n * k))
        let fuzzy = FuzzySimplicialSet(indices: world.allgather(knn.indices),
                                       memberships: world.allgather(smooth.memberships(of: knn)), rows: n, k: k)
        return LayoutEdges.pruned(fuzzy.graph, epochs: parameters.pruningEpochs(rows: n))
    }

    /// The embedding alone (see `fit`); complete and identical on every rank.
    public static func embed(codes: Matrix, parameters: UMAPParameters, world: Communicator, threads: Int = 1,
                             progress: ((UMAPProgress) -> Void)? = nil) throws -> Matrix {
        try fit(codes: codes, parameters: parameters, world: world, threads: threads, progress: progress).embedding
    }

    /// umap-learn's scaling of a starting layout: to max |x| = 10 with N(0, 10⁻⁴) noise, then each
    /// column min–max scaled to [0, 10].
    static func scaledToBox(_ start: Matrix, seed: UInt64) -> Matrix {
        var out = start
        let largest = start.storage.lazy.map(abs).max() ?? 0
        let expansion: Float = largest > 0 ? 10 / largest : 1
        var random = SeededGenerator(seed: seed, at: 0x6E6F_6973)
        for x in 0..<out.storage.count { out.storage[x] = out.storage[x] * expansion + 0.0001 * random.nextNormalFloat() }
        for c in 0..<out.cols {
            var low = Float.infinity, high = -Float.infinity
            for r in 0..<out.rows { low = min(low, out[r, c]); high = max(high, out[r, c]) }
            let width = high - low
            for r in 0..<out.rows { out[r, c] = width > 0 ? 10 * (out[r, c] - low) / width : 5 }
        }
        return out
    }
}
