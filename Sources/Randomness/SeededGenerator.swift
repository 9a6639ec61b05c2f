#if canImport(Glibc)
import Glibc
#endif

/// A small, fast, seedable generator (SplitMix64), the one source of randomness of n2d-mpi: training
/// derives every choice from `(seed, purpose, epoch, rank)`, KMeans++, the mixture and the sampled
/// silhouette from the run's seed, so a run is reproducible for a fixed seed and rank count on every
/// platform, and a resumed run draws what the uninterrupted one would have drawn.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A generator for one purpose: the seed mixed with each of `streams` in turn.
    public init(seed: UInt64, streams: [UInt64]) {
        var mixed = SeededGenerator(seed: seed)
        for s in streams { mixed = SeededGenerator(seed: mixed.next() ^ (s &* 0xD1B5_4A32_D192_ED03)) }
        state = mixed.next()
    }

    /// A generator for the stream at `positions` under `seed` (kNN and UMAP name theirs by purpose,
    /// tree, row, epoch or chunk): each position mixed into the state in turn, so any position's
    /// stream is drawn without the ones before it.
    public init(seed: UInt64, at positions: UInt64...) {
        var s = seed &* 0x9E37_79B9_7F4A_7C15
        for value in positions { s = SeededGenerator.mix(s ^ (value &+ 0x632B_E59B_D9B4_E019)) }
        state = s
    }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededGenerator.mix(state)
    }

    /// The SplitMix64 finaliser: a bijective 64-bit hash.
    @inlinable public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inlinable public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniform Double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform integer in `0..<bound` (Lemire's method, unbiased).
    public mutating func nextIndex(below bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A uniform integer in `0..<bound` (bound > 0) from one 32-bit multiply-shift (bias below
    /// 2⁻³²): the draw of the hot loops (negative sampling, candidate picks).
    @inlinable public mutating func below(_ bound: Int) -> Int {
        Int(((next() >> 32) &* UInt64(bound)) >> 32)
    }

    /// A standard normal deviate (Box–Muller) in single precision.
    public mutating func nextNormalFloat() -> Float {
        let u = max(nextUnitFloat(), 1e-7), v = nextUnitFloat()
        return (-2 * logf(u)).squareRoot() * cosf(2 * Float.pi * v)
    }

    /// `0..<count` in a uniformly random order (Fisher–Yates), independent of the standard library's
    /// shuffle so that the order never changes with the toolchain.
    public mutating func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            order.swapAt(i, nextIndex(below: i + 1))
            i -= 1
        }
        return order
    }
}
