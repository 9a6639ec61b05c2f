import Collectives
import Dispatch
import LinearAlgebra
import Neighbors
import Randomness

/// What `Isomap.fit` returns, the same on every rank.
public struct IsomapResult: Sendable {
    /// N × components: the top eigenvectors of the centred kernel scaled by √eigenvalue
    /// (scikit-learn's `embedding_`), each column's largest-magnitude entry positive.
    public var embedding: [Double]
    public var rows: Int
    public var components: Int
    /// The kernel's top eigenvalues, descending (scikit-learn's `kernel_pca_.eigenvalues_`).
    public var eigenvalues: [Double]
    /// √(‖K‖²_F − Σ λ²) / N (scikit-learn's `reconstruction_error()`); NaN for landmark Isomap.
    public var reconstructionError: Double
    /// Connected components of the kNN graph before they were joined (1 when it was connected).
    public var graphComponents: Int
    /// Lanczos restart cycles and operator products.
    public var lanczosCycles: Int
    public var lanczosProducts: Int
    /// Whether every Lanczos pair met the tolerance (false: the last cycle's pairs are returned;
    /// the pipeline should warn). Always true for landmark Isomap (a dense solver).
    public var lanczosConverged: Bool = true
    /// The landmarks' row indices (landmark Isomap), nil for exact Isomap.
    public var landmarks: [Int]?
    /// How new rows are placed into this embedding (`Isomap.place`).
    public var placement: IsomapPlacement
    /// Seconds on this rank by phase: "knn" (search, gather, graph, joining), "paths" (Dijkstra),
    /// "kernel" (squares and centring, with its allreduces), "eigen" (Lanczos or landmark MDS and
    /// triangulation).
    public var seconds: [String: Double] = [:]

    /// The embedding as a Float matrix (the pipeline's type).
    public var matrix: Matrix { Matrix(rows: rows, cols: components, storage: embedding.map { Float($0) }) }
}

public enum IsomapError: Error, CustomStringConvertible, Equatable {
    case invalidSettings(String)
    case eigensolverFailed(String)
    /// Landmark Isomap refuses a kNN graph with several components (the message names --isomap-neighbors).
    case disconnected(String)

    public var description: String {
        switch self {
        case .invalidSettings(let text), .eigensolverFailed(let text), .disconnected(let text): return text
        }
    }
}

/// Exact Isomap with scikit-learn's semantics (`sklearn.manifold.Isomap`, path_method 'D'), its rows
/// spread over the ranks. docs/ISOMAP.md has the details.
public enum Isomap {
    /// Embeds `points` (every rank holds all N rows) in `components` dimensions.
    ///
    /// - Parameters: `neighbors` counts the other points of each point's neighbourhood (scikit-learn's
    ///   `n_neighbors`, `--isomap-neighbors`); `world` splits the Dijkstra sources and the kernel's rows
    ///   (a collective: every rank calls it with the same arguments); `threads` is this rank's thread
    ///   budget; `seed` names the Lanczos start vector's stream.
    public static func fit(points: Matrix, neighbors: Int, components: Int, world: Communicator,
                           threads: Int, seed: UInt64 = 0, lanczos: DistributedLanczos = DistributedLanczos())
        throws -> IsomapResult {
        let n = points.rows
        guard neighbors >= 1, neighbors < n else {
            throw IsomapError.invalidSettings("--isomap-neighbors \(neighbors) must lie in 1...\(n - 1) for \(n) rows")
        }
        guard components >= 1, components < n else {
            throw IsomapError.invalidSettings("Isomap components \(components) must lie in 1...\(n - 1) for \(n) rows")
        }
        let threads = max(1, threads)
        let partition = RowPartition(total: n, size: world.size)
        let mine = partition.range(of: world.rank)
        var phases = PhaseSeconds()
        let (graph, graphComponents) = try neighborhoodGraph(points: points, neighbors: neighbors, world: world,
                                                          threads: threads, joinComponents: true)
        phases.lap("knn")

        // This rank's rows of D² (Dijkstra from its own sources), in double, as scikit-learn keeps them
        // for float64 input (it rounds them to float32 for float32 input; docs/ISOMAP.md).
        let local = mine.count
        let kernel = KernelRows(rows: local, columns: n)
        PathGraph(graph).squaredDistances(from: Array(mine), into: kernel.distances, threads: threads)
        phases.lap("paths")

        // Double centring: K = −½ (D² − row means − column means + grand mean); the column sums over
        // every rank's rows are allreduced. The kernel is kept in float (half the bytes each Lanczos
        // product reads) and its products summed in double (docs/ISOMAP.md, "Precision").
        let distances = kernel.distances
        var columnSums = ParallelFor.sum(count: local, chunkSize: 64, width: n, threads: threads) { items, partial in
            for r in items { for j in 0..<n { partial[j] += distances[r * n + j] } }
        }
        world.allreduce(&columnSums, op: .sum)
        let columnMeans = columnSums.map { $0 / Double(n) }
        let grandMean = columnMeans.reduce(0, +) / Double(n)
        let frobenius = world.allreduce(kernel.centre(columnMeans: columnMeans, grandMean: grandMean, threads: threads), op: .sum)
        phases.lap("kernel")

        // The top eigenvectors: Lanczos on replicated vectors, each product this rank's rows then an
        // allgather of the row blocks.
        var random = SeededGenerator(seed: seed, at: 0x150_4A9)
        let start = (0..<n).map { _ in Double(random.nextNormalFloat()) }
        let counts = partition.counts
        let result = lanczos.largest(count: components, n: n, start: start, threads: threads) { x in
            var y = [Double](repeating: 0, count: local)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { yp in kernel.product(xp.baseAddress!, into: yp.baseAddress!, threads: threads) }
            }
            return world.allgatherBlocks(y, counts: counts)
        }
        guard let result else {
            throw IsomapError.eigensolverFailed("Isomap: the Lanczos iteration broke down on the \(n) × \(n) kernel")
        }

        // Signs as scikit-learn's svd_flip (each vector's largest-magnitude entry positive), scaled
        // by √λ (negative eigenvalues of a non-Euclidean kernel clipped to 0).
        var embedding = [Double](repeating: 0, count: n * components)
        for c in 0..<components {
            let v = result.vectors[c]
            var at = 0
            for i in 1..<n where abs(v[i]) > abs(v[at]) { at = i }
            let sign: Double = v[at] < 0 ? -1 : 1
            let scale = max(result.values[c], 0).squareRoot() * sign
            for i in 0..<n { embedding[i * components + c] = v[i] * scale }
        }
        var weights = [Double](repeating: 0, count: components * n)
        for c in 0..<components where result.values[c] > 0 {
            for j in 0..<n { weights[c * n + j] = embedding[j * components + c] / result.values[c] }
        }
        let placement = IsomapPlacement(components: components, rows: n, weights: weights, columnMeans: columnMeans)
        phases.lap("eigen")
        let eigenSquares = result.values.reduce(0) { $0 + $1 * $1 }
        let error = max(frobenius - eigenSquares, 0).squareRoot() / Double(n)
        return IsomapResult(embedding: embedding, rows: n, components: components, eigenvalues: result.values,
                            reconstructionError: error, graphComponents: graphComponents,
                            lanczosCycles: result.cycles, lanczosProducts: result.products,
                            lanczosConverged: result.converged, landmarks: nil, placement: placement,
                            seconds: phases.seconds)
    }

    /// Bytes of D² rows the busiest rank holds for exact Isomap of `rows` rows over `ranks` ranks
    /// (⌈N / ranks⌉ · N doubles); what an `auto` choice between exact and landmark Isomap compares
    /// with the memory budget. The graph, points and Lanczos basis come on top (docs/ISOMAP.md).
    public static func exactKernelBytesPerRank(rows: Int, ranks: Int) -> Int {
        let busiest = (rows + max(ranks, 1) - 1) / max(ranks, 1)
        return busiest * rows * MemoryLayout<Double>.size
    }

    /// Squared geodesic distances from each row `sources[r]` (row r of the result, N values) over the
    /// symmetrised graph of `lists` (row i: its neighbours), edges as long as their double Euclidean
    /// distances; infinity where unreachable. The shortest paths exact and landmark Isomap take.
    public static func squaredGeodesicDistances(points: Matrix, lists: [[Int32]], sources: [Int], threads: Int) -> [Double] {
        var rows = [Double](repeating: 0, count: sources.count * points.rows)
        rows.withUnsafeMutableBufferPointer { out in
            PathGraph(NeighborhoodGraph(points: points, lists: lists)).squaredDistances(from: sources, into: out.baseAddress!,
                                                                                        threads: threads)
        }
        return rows
    }

    /// Spare kNN candidates re-ranked in double precision.
    static let rerankSpare = 8

    /// x · y with four accumulators in a fixed order (the same bits for any thread or rank count).
    @inline(__always)
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ n: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = 0
        while j + 4 <= n {
            s0 += x[j] * y[j]; s1 += x[j + 1] * y[j + 1]; s2 += x[j + 2] * y[j + 2]; s3 += x[j + 3] * y[j + 3]
            j += 4
        }
        while j < n { s0 += x[j] * y[j]; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// The symmetrised exact kNN graph (each rank searches its own rows; the lists are allgathered),
    /// its components joined as scikit-learn joins them, or refused when `joinComponents` is false.
    static func neighborhoodGraph(points: Matrix, neighbors: Int, world: Communicator, threads: Int,
                                  joinComponents: Bool) throws -> (NeighborhoodGraph, Int) {
        let n = points.rows
        let mine = RowPartition(total: n, size: world.size).range(of: world.rank)
        // The float search returns a few spare candidates; they are ranked again by their double
        // distances (ties by index), so near-ties are decided as an exact double search decides them.
        let spare = min(n, neighbors + 1 + rerankSpare)
        let block = ExactKNN.search(points, queries: mine, k: spare, metric: .euclidean, threads: threads)
        var own = [Int32](repeating: 0, count: mine.count * neighbors)
        own.withUnsafeMutableBufferPointer { out in
            ParallelFor.chunks(count: mine.count, chunkSize: 256, threads: threads) { _, items in
                for r in items {
                    let i = mine.lowerBound + r
                    let candidates = block.indices[r * spare..<(r + 1) * spare].map(Int.init).filter { $0 != i && $0 >= 0 }
                    let ranked = nearest(points, i, among: candidates, of: points, k: neighbors)
                    for c in 0..<neighbors { out[r * neighbors + c] = Int32(ranked[c].row) }
                }
            }
        }
        let gathered = world.size > 1 ? world.allgather(own) : own
        let lists = (0..<n).map { i in Array(gathered[i * neighbors..<(i + 1) * neighbors]) }
        let graph = NeighborhoodGraph(points: points, lists: lists)
        let (labels, components) = graph.componentLabels()
        guard components > 1 else { return (graph, 1) }
        guard joinComponents else {
            throw IsomapError.disconnected("landmark Isomap: the \(neighbors)-nearest-neighbour graph of \(n) rows has \(components)"
                + " connected components; raise --isomap-neighbors (or use exact Isomap, which joins them)")
        }
        let extra = NeighborhoodGraph.bridges(points: points, labels: labels, components: components, threads: threads)
        return (NeighborhoodGraph(points: points, lists: lists, extraEdges: extra), components)
    }
}
