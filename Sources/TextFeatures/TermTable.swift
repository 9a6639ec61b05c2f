/// An open-addressing hash table from terms (UTF-8 bytes) to dense ids `0..<count`, in insertion
/// order. Term bytes live in one arena, so inserting and finding allocate nothing per lookup.
///
/// Each slot holds two words: the hash's high 32 bits with the id, and the term's arena offset with
/// its length, so a lookup touches one slot and the arena (two cache lines), not a side table.
public struct TermTable: Sendable {
    private var arena: [UInt8] = []
    /// Term i is `arena[starts[i]..<starts[i + 1]]`.
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Two words per slot: `tag | (id + 1)` (0: empty) and `offset << 24 | length` (length
    /// `longTerm` means "look it up in `starts`"). The slot count is a power of two.
    private var slots: [UInt64]
    private static let tagMask: UInt64 = 0xffff_ffff_0000_0000
    private static let longTerm = 0xff_ffff

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
        slots.withUnsafeBufferPointer { s in
            arena.withUnsafeBufferPointer { a in
                let mask = s.count / 2 - 1
                let tag = hash & Self.tagMask
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let entry = s[2 * slot]
                    if entry == 0 { return (slot, false) }
                    if entry & Self.tagMask == tag {
                        let place = s[2 * slot + 1]
                        var start = Int(place >> 24), length = Int(place & 0xff_ffff)
                        if length == Self.longTerm {
                            let id = Int(entry & 0xffff_ffff) - 1
                            start = starts[id]
                            length = starts[id + 1] - start
                        }
                        if length == bytes.count && Self.equal(a.baseAddress! + start, bytes.baseAddress!, length) {
                            return (slot, true)
                        }
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
    }

    /// Byte equality, inline: terms are short, so a call to memcmp costs more than the loop.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        for k in 0..<length where a[k] != b[k] { return false }
        return true
    }

    private mutating func store(id: Int, hash: UInt64, at slot: Int) {
        let length = starts[id + 1] - starts[id]
        slots[2 * slot] = hash & Self.tagMask | UInt64(id + 1)
        slots[2 * slot + 1] = UInt64(starts[id]) << 24 | UInt64(min(length, Self.longTerm))
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
