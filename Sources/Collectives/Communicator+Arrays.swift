/// Array-level conveniences over the buffer collectives. Each is a collective: every rank calls it.
/// Inlinable, so that callers in other modules get them specialised: unspecialised, filling a
/// `[T](repeating:count:)` copied element by element through the generic witness (1.5% of a
/// Fashion-MNIST training step, in the batch pool's allgather).
extension Communicator {
    /// Reduces `values` element-wise over ranks, in place.
    @inlinable public func allreduce<T: CollectiveScalar>(_ values: inout [T], op: ReduceOp) {
        values.withUnsafeMutableBufferPointer { allreduce($0, op: op) }
    }

    /// Reduces one value over ranks.
    @inlinable public func allreduce<T: CollectiveScalar>(_ value: T, op: ReduceOp) -> T {
        var buffer = [value]
        allreduce(&buffer, op: op)
        return buffer[0]
    }

    /// Reduces an `Int` over ranks (as Int64).
    @inlinable public func allreduce(_ value: Int, op: ReduceOp) -> Int {
        Int(allreduce(Int64(value), op: op))
    }

    /// Copies `values` from `root` to every rank; the count travels too, so other ranks may pass any array.
    @inlinable public func broadcast<T: CollectiveScalar>(_ values: inout [T], root: Int) {
        var count = [Int64(values.count)]
        count.withUnsafeMutableBufferPointer { broadcast($0, root: root) }
        if rank != root { values = [T](repeating: T.zero, count: Int(count[0])) }
        values.withUnsafeMutableBufferPointer { broadcast($0, root: root) }
    }

    /// Copies a string from `root` to every rank.
    @inlinable public func broadcast(_ text: String, root: Int) -> String {
        var bytes = rank == root ? Array(text.utf8) : []
        broadcast(&bytes, root: root)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every rank's element count, in rank order.
    @inlinable public func allgatherCounts(_ count: Int) -> [Int] {
        var counts = [Int64](repeating: 0, count: size)
        let mine = [Int64(count)]
        mine.withUnsafeBufferPointer { send in
            counts.withUnsafeMutableBufferPointer { recv in allgatherv(send, into: recv, counts: [Int](repeating: 1, count: size)) }
        }
        return counts.map { Int($0) }
    }

    /// Concatenates every rank's `values` in rank order, on every rank.
    @inlinable public func allgather<T: CollectiveScalar>(_ values: [T]) -> [T] {
        let counts = allgatherCounts(values.count)
        var result = [T](repeating: T.zero, count: counts.reduce(0, +))
        values.withUnsafeBufferPointer { send in
            result.withUnsafeMutableBufferPointer { allgatherv(send, into: $0, counts: counts) }
        }
        return result
    }

    /// A vector computed by row blocks, whole on every rank: each rank's `block` (rank r holds
    /// `counts[r]` values, e.g. `RowPartition.counts`) concatenated in rank order, with no count
    /// exchange — the product of a distributed matrix–vector multiply (Isomap's and UMAP's Lanczos).
    @inlinable public func allgatherBlocks<T: CollectiveScalar>(_ block: [T], counts: [Int]) -> [T] {
        guard size > 1 else { return block }
        var full = [T](repeating: T.zero, count: counts.reduce(0, +))
        block.withUnsafeBufferPointer { send in
            full.withUnsafeMutableBufferPointer { allgatherv(send, into: $0, counts: counts) }
        }
        return full
    }

    /// Concatenates every rank's `values` in rank order on `root`; nil on other ranks.
    @inlinable public func gather<T: CollectiveScalar>(_ values: [T], root: Int) -> [T]? {
        let counts = allgatherCounts(values.count)
        if rank == root {
            var result = [T](repeating: T.zero, count: counts.reduce(0, +))
            values.withUnsafeBufferPointer { send in
                result.withUnsafeMutableBufferPointer { gatherv(send, into: $0, counts: counts, root: root) }
            }
            return result
        }
        values.withUnsafeBufferPointer { gatherv($0, into: nil, counts: counts, root: root) }
        return nil
    }

    /// Gathers one string per rank on `root` (rank order); nil on other ranks.
    @inlinable public func gather(_ text: String, root: Int) -> [String]? {
        let bytes = Array(text.utf8)
        let counts = allgatherCounts(bytes.count)
        guard let all = gather(bytes, root: root) else { return nil }
        var strings: [String] = []
        var start = 0
        for c in counts {
            strings.append(String(decoding: all[start..<start + c], as: UTF8.self))
            start += c
        }
        return strings
    }

    /// Splits `values` of `root` into pieces of `counts[r]` elements; returns this rank's piece.
    @inlinable public func scatter<T: CollectiveScalar>(_ values: [T]?, counts: [Int], root: Int) -> [T] {
        var piece = [T](repeating: T.zero, count: counts[rank])
        piece.withUnsafeMutableBufferPointer { recv in
            if let values {
                values.withUnsafeBufferPointer { scatterv($0, counts: counts, into: recv, root: root) }
            } else {
                scatterv(nil, counts: counts, into: recv, root: root)
            }
        }
        return piece
    }

    /// Sends `sendCounts[r]` consecutive elements of `values` to rank r; returns what every rank sent
    /// here, in rank order.
    @inlinable public func alltoall<T: CollectiveScalar>(_ values: [T], sendCounts: [Int]) -> [T] {
        precondition(sendCounts.count == size && sendCounts.reduce(0, +) == values.count,
                     "alltoall: counts must cover the values, one count per rank")
        let ones = [Int](repeating: 1, count: size)
        let outgoing = sendCounts.map(Int64.init)
        var incoming = [Int64](repeating: 0, count: size)
        outgoing.withUnsafeBufferPointer { send in
            incoming.withUnsafeMutableBufferPointer { alltoallv(send, sendCounts: ones, into: $0, recvCounts: ones) }
        }
        let recvCounts = incoming.map { Int($0) }
        var result = [T](repeating: T.zero, count: recvCounts.reduce(0, +))
        values.withUnsafeBufferPointer { send in
            result.withUnsafeMutableBufferPointer { alltoallv(send, sendCounts: sendCounts, into: $0, recvCounts: recvCounts) }
        }
        return result
    }
}
