import Collectives

/// The k nearest neighbours of a block of consecutive query rows: row `r` of the block
/// (global row `rows.lowerBound + r`) has neighbours `indices[r*k ..< (r+1)*k]` (global row numbers,
/// nearest first) at `distances[...]`. Entry 0 of every row is the point itself at distance 0.
public struct KNNGraph: Equatable, Sendable {
    /// The global rows this block answers.
    public let rows: Range<Int>
    /// Neighbours per row, the point itself included.
    public let k: Int
    public var indices: [Int32]
    public var distances: [Float]

    public init(rows: Range<Int>, k: Int, indices: [Int32], distances: [Float]) {
        precondition(indices.count == rows.count * k && distances.count == indices.count,
                     "kNN graph of \(rows.count) rows × \(k) needs \(rows.count * k) entries")
        self.rows = rows
        self.k = k
        self.indices = indices
        self.distances = distances
    }

    /// Every rank's block concatenated in rank order, on every rank (a collective). Each rank must
    /// hold the block `RowPartition(total:size:).range(of: rank)`.
    public func allGathered(_ world: Communicator, total: Int) -> KNNGraph {
        guard world.size > 1 else { return self }
        return KNNGraph(rows: 0..<total, k: k, indices: world.allgather(indices), distances: world.allgather(distances))
    }
}
