import Randomness
import LinearAlgebra

/// Count matrices with planted cluster structure, for tests and benchmarks: shaped like a
/// bag-of-words corpus (Zipf-like column frequencies, small integer counts, about `meanNonZeros`
/// distinct columns per row). Row i belongs to cluster `i % clusters`; half of its words come from
/// its cluster's own columns. The same arguments give the same matrix on every rank.
public enum SyntheticCounts {
    public static func make(rows: Int, cols: Int, meanNonZeros: Double, clusters: Int, seed: UInt64) -> CSRMatrix {
        var generator = SeededGenerator(seed: seed, streams: [0x5EED])
        // Zipf (exponent 1) over column ranks: cumulative weights for inverse-CDF sampling.
        var cumulative = [Double](repeating: 0, count: cols)
        var total = 0.0
        for r in 0..<cols {
            total += 1 / Double(r + 1)
            cumulative[r] = total
        }
        func zipfRank(_ g: inout SeededGenerator) -> Int {
            let u = Double(g.next() >> 11) * 0x1p-53 * total
            var lo = 0, hi = cols - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        var pointers = [0]
        var indices: [Int32] = []
        var values: [Float] = []
        var counts = [Float](repeating: 0, count: cols)
        for i in 0..<rows {
            let cluster = i % max(clusters, 1)
            // Draws with repeats; a word's repeats become its count.
            let draws = Int(Double(meanNonZeros) * (0.6 + 0.8 * Double(generator.nextUnitFloat())) * 1.31)
            var used: [Int] = []
            for _ in 0..<max(draws, 1) {
                let rank = zipfRank(&generator)
                let column = generator.nextUnitFloat() < 0.5 ? (rank * clusters + cluster) % cols : rank
                if counts[column] == 0 { used.append(column) }
                counts[column] += 1
            }
            used.sort()
            for c in used {
                indices.append(Int32(c))
                values.append(counts[c])
                counts[c] = 0
            }
            pointers.append(indices.count)
        }
        return CSRMatrix(rows: rows, cols: cols, rowPointers: pointers, columnIndices: indices, values: values)
    }
}
