/// A bounded max-heap of (distance, index) pairs over caller-owned storage: it keeps the `capacity`
/// smallest distances pushed. Used per query row by every search. With `flags` storage, each entry
/// carries a byte that moves with it (NN-descent's "new" mark).
@usableFromInline
struct NeighborHeap {
    @usableFromInline let distances: UnsafeMutablePointer<Float>
    @usableFromInline let indices: UnsafeMutablePointer<Int32>
    @usableFromInline let flags: UnsafeMutablePointer<UInt8>?
    @usableFromInline let capacity: Int

    /// A heap over the given storage; call `reset()` to empty it.
    @inlinable init(distances: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>,
                    flags: UnsafeMutablePointer<UInt8>? = nil, capacity: Int) {
        self.distances = distances
        self.indices = indices
        self.flags = flags
        self.capacity = capacity
    }

    /// Empties the heap: all slots +∞, index −1, flag 0.
    @inlinable func reset() {
        distances.update(repeating: .infinity, count: capacity)
        indices.update(repeating: -1, count: capacity)
        flags?.update(repeating: 0, count: capacity)
    }

    /// The largest distance kept (+∞ while not full): anything not below it is rejected.
    @inlinable var bound: Float { distances[0] }

    /// Whether `index` is among the kept entries.
    @inlinable func contains(_ index: Int32) -> Bool {
        for s in 0..<capacity where indices[s] == index { return true }
        return false
    }

    /// Offers a candidate; returns true when it was kept. Does not check for duplicates.
    @inlinable @discardableResult
    func pushUnchecked(_ distance: Float, _ index: Int32, flag: UInt8 = 0) -> Bool {
        guard distance < distances[0] else { return false }
        siftDown(distance, index, flag: flag, within: capacity)
        return true
    }

    /// Offers a candidate unless its index is already kept; returns true when it was kept.
    @inlinable @discardableResult
    func push(_ distance: Float, _ index: Int32, flag: UInt8 = 0) -> Bool {
        guard distance < distances[0], !contains(index) else { return false }
        return pushUnchecked(distance, index, flag: flag)
    }

    /// Sorts the kept entries nearest first (heap order is lost).
    @inlinable func sortAscending() {
        var n = capacity
        while n > 1 {
            n -= 1
            let d = distances[n], x = indices[n], f = flags?[n] ?? 0
            distances[n] = distances[0]
            indices[n] = indices[0]
            flags?[n] = flags![0]
            siftDown(d, x, flag: f, within: n)
        }
    }

    /// Places (distance, index, flag) at the root of the max-heap made of the first `count` slots
    /// and sifts it down to where it belongs.
    @inlinable func siftDown(_ distance: Float, _ index: Int32, flag: UInt8, within count: Int) {
        var i = 0
        while true {
            let left = 2 * i + 1
            if left >= count { break }
            let right = left + 1
            let child = right < count && distances[right] > distances[left] ? right : left
            if distances[child] <= distance { break }
            distances[i] = distances[child]
            indices[i] = indices[child]
            flags?[i] = flags![child]
            i = child
        }
        distances[i] = distance
        indices[i] = index
        flags?[i] = flag
    }
}
