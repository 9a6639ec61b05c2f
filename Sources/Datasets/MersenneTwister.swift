/// The MT19937 generator as NumPy's legacy `RandomState(seed)` seeds and draws it, with the legacy
/// `permutation`, so that seeded splits match scikit-learn's exactly.
public struct MersenneTwister {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// `numpy.random.RandomState(seed)` for an integer seed (Knuth's initialisation, `init_genrand`).
    public init(seed: UInt32) {
        state[0] = seed
        for i in 1..<624 {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
    }

    /// The next 32 tempered bits.
    public mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// A uniform integer in `0...max` by masked rejection, as NumPy's legacy `random_interval`.
    public mutating func interval(_ max: UInt32) -> UInt32 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1
        mask |= mask >> 2
        mask |= mask >> 4
        mask |= mask >> 8
        mask |= mask >> 16
        while true {
            let value = next() & mask
            if value <= max { return value }
        }
    }

    /// `RandomState.permutation(n)`: `arange(n)` shuffled by Fisher–Yates from the end.
    public mutating func permutation(_ n: Int) -> [Int] {
        precondition(n <= Int(UInt32.max), "permutation of more than 2^32 elements")
        var values = Array(0..<n)
        var i = n - 1
        while i >= 1 {
            let j = Int(interval(UInt32(i)))
            values.swapAt(i, j)
            i -= 1
        }
        return values
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7fff_ffff)
            var value = state[(i + 397) % 624] ^ (y >> 1)
            if y & 1 != 0 { value ^= 0x9908_b0df }
            state[i] = value
        }
        index = 0
    }
}
