/// An open-addressing hash table from terms (UTF-8 bytes) to dense ids `0..<count`, in insertion
/// order. Term bytes live in one arena, so inserting and finding allocate nothing per lookup.
public struct TermTable: Sendable {
    private var arena: [UInt8] = []
    /// Term i is `arena[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Term id + 1 per slot; 0 marks an empty slot. Capacity is a power of two.
    private var slots: [Int32]

    public init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
    }

    /// The number of distinct terms.
    public var count: Int { starts.count - 1 }

    /// The bytes of term `id`.
    public func term(_ id: Int) -> ArraySlice<UInt8> { arena[starts[id]..<starts[id + 1]] }

    /// The term `id` as a string.
    public func string(_ id: Int) -> String { String(decoding: term(id), as: UTF8.self) }

    /// The id of `bytes`, or nil.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if hashes[entry - 1] == hash && equals(entry - 1, bytes) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The id of `bytes`, inserting it when new; `inserted` says which.
    @discardableResult
    public mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int, inserted: Bool) {
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if hashes[entry - 1] == hash && equals(entry - 1, bytes) { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
        let id = count
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = Int32(id + 1)
        if count * 2 > slots.count { grow() }
        return (id, true)
    }

    private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[id], length = starts[id + 1] - start
        guard length == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for k in 0..<length where a[start + k] != bytes[k] { return false }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [Int32](repeating: 0, count: size)
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & (size - 1)
            while fresh[slot] != 0 { slot = (slot + 1) & (size - 1) }
            fresh[slot] = Int32(id + 1)
        }
        slots = fresh
    }

    /// FNV-1a, finished with a multiply-xorshift so the low bits (the slot) mix well.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        h ^= h >> 29
        h = h &* 0xbf58_476d_1ce4_e5b9
        return h ^ (h >> 32)
    }
}
