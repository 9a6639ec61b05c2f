import Randomness
/// SplitMix64: a small, fast, seedable generator. Every random choice in kNN and UMAP draws from one
/// of these, seeded from the user's seed and the position of the work (tree, epoch, edge chunk), so a
/// run is reproducible for a fixed seed and rank count whatever the thread timing.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// A generator for the stream named by `seed` and any number of position values.
    public init(seed: UInt64, _ stream: UInt64...) {
        var s = seed &* 0x9E37_79B9_7F4A_7C15
        for value in stream { s = SeededRandom.mix(s ^ (value &+ 0x632B_E59B_D9B4_E019)) }
        state = s
    }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// A uniform integer in `0..<bound` (bound > 0), by multiply-shift (bias below 2⁻³²).
    @inlinable public mutating func below(_ bound: Int) -> Int {
        Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// A uniform Float in [0, 1).
    @inlinable public mutating func unit() -> Float {
        Float(next() >> 40) * (1 / Float(1 << 24))
    }

    /// A standard normal deviate (Box–Muller).
    public mutating func normal() -> Float {
        let u = max(unit(), 1e-7), v = unit()
        return (-2 * logf(u)).squareRoot() * cosf(2 * Float.pi * v)
    }

    /// The SplitMix64 finaliser (shared with `SeededGenerator`).
    @inlinable public static func mix(_ value: UInt64) -> UInt64 { SeededGenerator.mix(value) }
}

#if canImport(Glibc)
import Glibc
#endif
