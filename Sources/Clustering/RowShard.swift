import Collectives
import LinearAlgebra

/// This rank's place in a matrix whose rows are spread over the ranks in rank order (rank 0 holds
/// the first block, any block sizes): the global row count and this rank's first global row.
struct RowShard {
    let rows: Int
    let dims: Int
    let total: Int
    let offset: Int
    /// Every rank's row count.
    let counts: [Int]

    init(_ points: Matrix, world: Communicator) throws {
        rows = points.rows
        dims = points.cols
        counts = world.allgatherCounts(points.rows)
        total = counts.reduce(0, +)
        offset = counts[..<world.rank].reduce(0, +)
        let widest = world.allreduce(points.cols, op: .max), narrowest = world.allreduce(points.rows > 0 ? points.cols : widest, op: .min)
        guard widest == narrowest || rows == 0 else {
            throw ClusteringError("ranks hold rows of different widths (\(narrowest) and \(widest) columns).")
        }
    }

    /// The rows `globalRows` (in that order) on every rank: owners copy theirs in, a sum brings them
    /// together. Every rank must pass the same indices.
    func fetch(_ globalRows: [Int], from points: Matrix, world: Communicator) -> [Float] {
        var buffer = [Float](repeating: 0, count: globalRows.count * dims)
        for (slot, row) in globalRows.enumerated() where row >= offset && row < offset + rows {
            for j in 0..<dims { buffer[slot * dims + j] = points.storage[(row - offset) * dims + j] }
        }
        world.allreduce(&buffer, op: .sum)
        return buffer
    }

    /// Global per-column variance averaged over the columns (scikit-learn's scale for KMeans' tol).
    func meanVariance(_ points: Matrix, world: Communicator) -> Double {
        var sums = [Double](repeating: 0, count: dims)
        for i in 0..<rows { for j in 0..<dims { sums[j] += Double(points.storage[i * dims + j]) } }
        world.allreduce(&sums, op: .sum)
        let means = sums.map { $0 / Double(max(total, 1)) }
        var squares = [Double](repeating: 0, count: dims)
        for i in 0..<rows {
            for j in 0..<dims { let d = Double(points.storage[i * dims + j]) - means[j]; squares[j] += d * d }
        }
        world.allreduce(&squares, op: .sum)
        return squares.reduce(0, +) / Double(max(total, 1)) / Double(max(dims, 1))
    }
}
