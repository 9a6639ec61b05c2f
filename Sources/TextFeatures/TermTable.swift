/// An open-addressing hash table from terms (UTF-8 bytes) to dense ids `0..<count`, in insertion
/// order. Term bytes live in one arena, so inserting and finding allocate nothing per lookup.
///
/// Each slot holds two words: a 24-bit hash tag, the term's length and its id; then the term itself
/// when it is at most 8 bytes (most words), else its arena offset. A lookup of a short term touches
/// one cache line; the table is memory-bound, so this is what makes counting fast.
public struct TermTable: Sendable {
    private var arena: [UInt8] = []
    /// Term i is `arena[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Two words per slot: `tag(24) | length(8) | (id + 1)(32)` (0: empty), then the term's bytes
    /// packed little-endian when `length <= 8`, else its arena offset (length 255: see `starts`).
    /// The slot count is a power of two.
    private var slots: [UInt64]
    private static let tagMask: UInt64 = 0xffff_ff00_0000_0000
    private static let longTerm = 255

    public init(capacity: Int = 1 << 12) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: 2 * size)
    }

    /// The number of distinct terms.
    public var count: Int { starts.count - 1 }

    /// The bytes of term `id`.
    public func term(_ id: Int) -> ArraySlice<UInt8> { arena[starts[id]..<starts[id + 1]] }

    /// The term `id` as a string.
    public func string(_ id: Int) -> String { String(decoding: term(id), as: UTF8.self) }

    /// The id of `bytes`, or nil.
    public func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let (slot, found) = probe(bytes, hash: Self.hash(bytes))
        return found ? Int(slots[2 * slot] & 0xffff_ffff) - 1 : nil
    }

    /// The id of `bytes`, inserting it when new; `inserted` says which.
    @discardableResult
    public mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (id: Int, inserted: Bool) {
        let hash = Self.hash(bytes)
        let (slot, found) = probe(bytes, hash: hash)
        if found { return (Int(slots[2 * slot] & 0xffff_ffff) - 1, false) }
        let id = count
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        store(id: id, hash: hash, at: slot)
        if 2 * count > slots.count / 2 { grow() }
        return (id, true)
    }

    /// The slot holding `bytes` (found) or the empty slot where it belongs.
    @inline(__always)
    private func probe(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (slot: Int, found: Bool) {
        let key = hash & Self.tagMask | UInt64(min(bytes.count, Self.longTerm)) << 32
        let packed = bytes.count <= 8 ? Self.pack(bytes) : 0
        return slots.withUnsafeBufferPointer { s in
            let mask = s.count / 2 - 1
            var slot = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entry = s[2 * slot]
                if entry == 0 { return (slot, false) }
                if entry & 0xffff_ffff_0000_0000 == key {
                    if bytes.count <= 8 {
                        if s[2 * slot + 1] == packed { return (slot, true) }
                    } else if equalsStored(Int(entry & 0xffff_ffff) - 1, offset: Int(s[2 * slot + 1]), bytes) {
                        return (slot, true)
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether term `id` (stored at `offset` of the arena) is `bytes` (longer than 8 bytes).
    private func equalsStored(_ id: Int, offset: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard starts[id + 1] - starts[id] == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            for k in 0..<bytes.count where a[offset + k] != bytes[k] { return false }
            return true
        }
    }

    /// Up to 8 bytes as one little-endian word.
    @inline(__always)
    private static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var word: UInt64 = 0
        for k in 0..<bytes.count { word |= UInt64(bytes[k]) << (8 * UInt64(k)) }
        return word
    }

    private mutating func store(id: Int, hash: UInt64, at slot: Int) {
        let length = starts[id + 1] - starts[id]
        slots[2 * slot] = hash & Self.tagMask | UInt64(min(length, Self.longTerm)) << 32 | UInt64(id + 1)
        slots[2 * slot + 1] = length <= 8
            ? arena.withUnsafeBufferPointer { Self.pack(UnsafeBufferPointer(rebasing: $0[starts[id]..<starts[id + 1]])) }
            : UInt64(starts[id])
    }

    private mutating func grow() {
        let size = slots.count  // doubles the slot count (two words per slot)
        slots = [UInt64](repeating: 0, count: 2 * size)
        for id in 0..<count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & (size - 1)
            while slots[2 * slot] != 0 { slot = (slot + 1) & (size - 1) }
            store(id: id, hash: hashes[id], at: slot)
        }
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
