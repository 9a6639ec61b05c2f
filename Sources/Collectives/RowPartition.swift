/// How `total` rows are split over `size` ranks: rank r owns one contiguous block, the first
/// `total % size` ranks one row more than the rest. Every module shards rows this way.
public struct RowPartition: Equatable, Sendable {
    public let total: Int
    public let size: Int

    public init(total: Int, size: Int) {
        precondition(total >= 0 && size >= 1, "partition of \(total) rows over \(size) ranks")
        self.total = total
        self.size = size
    }

    /// The rows rank `r` owns.
    public func range(of r: Int) -> Range<Int> {
        let base = total / size, extra = total % size
        let start = r * base + min(r, extra)
        return start..<start + base + (r < extra ? 1 : 0)
    }

    /// Every rank's row count, in rank order.
    public var counts: [Int] { (0..<size).map { range(of: $0).count } }

    /// The rank that owns global row `row`.
    public func owner(of row: Int) -> Int {
        let base = total / size, extra = total % size
        let bigBlock = base + 1
        if row < extra * bigBlock { return row / bigBlock }
        return extra + (row - extra * bigBlock) / max(base, 1)
    }
}
