import Collectives
import LinearAlgebra
import Neighbors

/// Isomap's out-of-sample extension as a fit leaves it: a new row's coordinates are one linear map
/// of its squared geodesic distances δ to the N training rows,
/// `y_c = offsets[c] − ½ Σ_j weights[c · N + j] · δ(j)`.
///
/// Exact Isomap: `weights[c]` is the embedding's column c over λ_c (the unit eigenvector over √λ_c)
/// and `offsets[c]` is ½ Σ_j weights[c][j] · (the mean of D²'s column j); this is scikit-learn's
/// `Isomap.transform` (kernel −½δ, centred with the training kernel's column means, projected on
/// the eigenvectors over √λ), less a term that multiplies the query's own mean of δ by
/// Σ_j weights[c][j], which is zero for the eigenvectors of a double-centred kernel. A training row
/// placed this way gets its own embedding back. Landmark Isomap: the weights of the landmarks' columns
/// are L♯'s (de Silva & Tenenbaum's triangulation, the same formula it placed the training rows
/// with), the other columns' 0.
public struct IsomapPlacement: Sendable, Equatable {
    public var components: Int
    /// Training rows N (the width of each weight row).
    public var rows: Int
    /// components × N, row-major.
    public var weights: [Double]
    public var offsets: [Double]

    public init(components: Int, rows: Int, weights: [Double], offsets: [Double]) {
        precondition(weights.count == components * rows && offsets.count == components,
                     "placement of \(components) components over \(rows) rows needs \(components * rows) weights and \(components) offsets")
        self.components = components
        self.rows = rows
        self.weights = weights
        self.offsets = offsets
    }

    /// The placement whose offsets are ½ Σ_j weights[c][j] · means[j].
    init(components: Int, rows: Int, weights: [Double], columnMeans means: [Double]) {
        let offsets = weights.withUnsafeBufferPointer { w in
            means.withUnsafeBufferPointer { m in (0..<components).map { 0.5 * Isomap.dot(w.baseAddress! + $0 * rows, m.baseAddress!, rows) } }
        }
        self.init(components: components, rows: rows, weights: weights, offsets: offsets)
    }

    /// The coordinates of a row whose squared geodesic distances to the training rows are `squared`.
    func place(_ squared: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            for c in 0..<components { out[c] = offsets[c] - 0.5 * Isomap.dot(w.baseAddress! + c * rows, squared, rows) }
        }
    }
}

extension Isomap {
    /// New rows `queries` into the embedding of a fit on `training` (its points, the same
    /// `neighbors`, the placement it returned): each query's `neighbors` nearest training rows
    /// (exact search, distances in double, ties by index) join it to the fit's graph, Dijkstra from
    /// it gives its geodesic distances to every training row, and the placement maps their squares to
    /// coordinates (queries.rows × components, row-major). A collective over `world` for the graph
    /// (rebuilt from `training` as the fit built it); each query is placed on its own, so the result
    /// depends neither on the other queries nor on the threads or ranks.
    public static func place(_ queries: Matrix, training: Matrix, neighbors: Int, placement: IsomapPlacement,
                             world: Communicator, threads: Int) throws -> [Double] {
        let n = training.rows
        guard placement.rows == n else {
            throw IsomapError.invalidSettings("the Isomap placement covers \(placement.rows) training rows, the model holds \(n)")
        }
        guard queries.cols == training.cols else {
            throw IsomapError.invalidSettings("the new rows have \(queries.cols) columns, the training rows \(training.cols)")
        }
        guard neighbors >= 1, neighbors < n else {
            throw IsomapError.invalidSettings("--isomap-neighbors \(neighbors) must lie in 1...\(n - 1) for \(n) training rows")
        }
        let threads = max(1, threads)
        let (graph, _) = try neighborhoodGraph(points: training, neighbors: neighbors, world: world,
                                               threads: threads, joinComponents: true)
        let paths = PathGraph(graph)
        let q = queries.rows, c = placement.components
        var out = [Double](repeating: 0, count: q * c)
        guard q > 0 else { return out }
        let spare = min(n, neighbors + rerankSpare)
        let candidates = ExactKNN.query(queries, references: training, k: spare, metric: .euclidean, threads: threads).indices
        out.withUnsafeMutableBufferPointer { result in
            ParallelFor.claimed(count: q, chunkSize: 4, threads: threads,
                                state: { (Dijkstra(graph: paths), [Double](repeating: 0, count: n)) }) { state, items in
                let dijkstra = state.0
                for r in items {
                    let seeds = nearest(queries, r, among: candidates[r * spare..<(r + 1) * spare].map(Int.init), of: training,
                                        k: neighbors)
                    state.1.withUnsafeMutableBufferPointer { row in
                        dijkstra.squaredDistances(fromSeeds: seeds, into: row.baseAddress!)
                        placement.place(row.baseAddress!, into: result.baseAddress! + r * c)
                    }
                }
            }
        }
        return out
    }

    /// The `k` of `candidates` (rows of `b`) nearest to row `i` of `a` by their double distances, ties
    /// by index: how both the fit's graph and a query's seeds re-rank the float search's candidates.
    static func nearest(_ a: Matrix, _ i: Int, among candidates: [Int], of b: Matrix, k: Int) -> [(row: Int, length: Double)] {
        var ranked: [(row: Int, length: Double)] = []
        ranked.reserveCapacity(candidates.count)
        for j in candidates { ranked.append((row: j, length: distance(a, i, b, j))) }
        ranked.sort { $0.length < $1.length || ($0.length == $1.length && $0.row < $1.row) }
        return Array(ranked.prefix(k))
    }

    /// ‖a_i − b_j‖ summed in double in coordinate order.
    static func distance(_ a: Matrix, _ i: Int, _ b: Matrix, _ j: Int) -> Double {
        let d = a.cols
        var s = 0.0
        a.storage.withUnsafeBufferPointer { p in
            b.storage.withUnsafeBufferPointer { o in
                for t in 0..<d {
                    let u = Double(p[i * d + t]) - Double(o[j * d + t])
                    s += u * u
                }
            }
        }
        return s.squareRoot()
    }
}
