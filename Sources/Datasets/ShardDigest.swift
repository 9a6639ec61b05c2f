import Collectives
import LinearAlgebra

extension ShardPart {
    /// A fingerprint of the whole set's rows over all ranks (a collective): each row's hash mixes its
    /// global position, columns and value bits, and the row hashes are summed, so the digest does not
    /// depend on how the rows are spread over ranks. Equal digests on 1 and N ranks mean the same
    /// matrix (up to hash collisions). 16 hex digits.
    public func digest(world: Communicator) -> String {
        var sums: [Int64] = [0, 0]
        for local in 0..<features.rows {
            var hash = Hash64()
            hash.mix(UInt64(rows.lowerBound + local))
            switch features {
            case .sparse(let m):
                for k in m.rowPointers[local]..<m.rowPointers[local + 1] {
                    hash.mix(UInt64(UInt32(bitPattern: m.columnIndices[k])))
                    hash.mix(UInt64(m.values[k].bitPattern))
                }
            case .dense(let m):
                for j in 0..<m.cols { hash.mix(UInt64(m[local, j].bitPattern)) }
            }
            // Summing 32-bit halves in 64 bits cannot overflow below 2^31 rows.
            sums[0] += Int64(hash.value & 0xffff_ffff)
            sums[1] += Int64(hash.value >> 32)
        }
        world.allreduce(&sums, op: .sum)
        let folded = UInt64(truncatingIfNeeded: sums[0]) &+ UInt64(truncatingIfNeeded: sums[1]) &* 0x9e37_79b9_7f4a_7c15
        let text = String(folded, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// FNV-1a over 64-bit words.
private struct Hash64 {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func mix(_ word: UInt64) {
        value = (value ^ word) &* 0x100_0000_01b3
    }
}
