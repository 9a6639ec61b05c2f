import Randomness

/// Seeded byte-level mutations, reproducible for a seed.
public struct Mutator {
    private var generator: SeededGenerator

    public init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    /// A random integer in `0..<bound` (bound > 0).
    public mutating func next(_ bound: Int) -> Int { generator.nextIndex(below: bound) }

    /// One to four mutations of `input`; `others` supply bytes for splicing.
    public mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0...next(4) {
            switch next(8) {
            case 0 where !bytes.isEmpty: bytes[next(bytes.count)] ^= UInt8(1 << next(8))
            case 1 where !bytes.isEmpty: bytes[next(bytes.count)] = UInt8(next(256))
            case 2 where !bytes.isEmpty: bytes.removeLast(next(bytes.count) + 1)
            case 3 where !bytes.isEmpty:
                let start = next(bytes.count)
                let end = min(bytes.count, start + next(32) + 1)
                bytes.insert(contentsOf: bytes[start..<end], at: next(bytes.count))
            case 4:
                let other = others[next(others.count)]
                if !other.isEmpty && !bytes.isEmpty {
                    let cut = next(bytes.count), from = next(other.count)
                    bytes = Array(bytes[..<cut]) + other[from...]
                }
            case 5 where bytes.count >= 4:
                let interesting: [UInt32] = [0, 1, 0x7f, 0xff, 0x7fff, 0xffff, 0x7fff_ffff, 0xffff_ffff, 0x8000_0000]
                var value = interesting[next(interesting.count)]
                let at = next(bytes.count - 3)
                for k in 0..<4 { bytes[at + k] = UInt8(value & 0xff); value >>= 8 }
            case 6 where !bytes.isEmpty:
                let digits = Array("0123456789,()' -.:e\"\n\r".utf8)
                bytes[next(bytes.count)] = digits[next(digits.count)]
            default:
                bytes.insert(UInt8(next(256)), at: next(bytes.count + 1))
            }
        }
        return bytes
    }
}
