import Randomness
import Clustering
import LinearAlgebra

/// The mean silhouette coefficient (Rousseeuw 1987) with Euclidean distances: for a row, a is the
/// mean distance to the other rows of its cluster and b the smallest mean distance to another
/// cluster's rows; its coefficient is (b − a) / max(a, b), 0 in a cluster of one.
public enum Silhouette {
    /// The mean coefficient over the rows whose label is not negative (DBSCAN's noise is left out).
    /// Exact when at most `sampleSize` rows remain; otherwise over `sampleSize` rows drawn uniformly
    /// with `seed`, distances taken within the sample (as scikit-learn's `sample_size`). nil when the
    /// rows considered form fewer than 2 clusters or every row is its own cluster.
    public static func score(points: Matrix, labels: [Int], sampleSize: Int = 10_000, seed: UInt64 = 13,
                             threads: Int = 1) -> Double? {
        precondition(points.rows == labels.count, "one label per row needed")
        var rows = labels.indices.filter { labels[$0] >= 0 }
        if rows.count > sampleSize {
            var generator = SeededGenerator(seed: seed)
            for i in 0..<sampleSize { rows.swapAt(i, i + generator.nextIndex(below: rows.count - i)) }
            rows = Array(rows[..<sampleSize]).sorted()
        }
        let clusterIDs = Array(Set(rows.map { labels[$0] })).sorted()
        guard clusterIDs.count >= 2, clusterIDs.count < rows.count else { return nil }
        let index = Dictionary(uniqueKeysWithValues: clusterIDs.enumerated().map { ($1, $0) })
        let cluster = rows.map { index[labels[$0]]! }
        var sizes = [Int](repeating: 0, count: clusterIDs.count)
        for c in cluster { sizes[c] += 1 }
        let sample = points.gatherRows(rows)
        let coefficients = coefficients(sample, cluster: cluster, sizes: sizes, threads: threads)
        return coefficients.reduce(0, +) / Double(coefficients.count)
    }

    /// Each row's coefficient, on `threads` threads (rows are independent).
    private static func coefficients(_ x: Matrix, cluster: [Int], sizes: [Int], threads: Int) -> [Double] {
        let n = x.rows, d = x.cols, k = sizes.count
        var out = [Double](repeating: 0, count: n)
        x.storage.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { out in
                let out = out
                ParallelFor.chunks(count: n, chunkSize: 256, threads: threads) { _, rows in
                    var sums = [Double](repeating: 0, count: k)
                    for i in rows {
                        for t in 0..<k { sums[t] = 0 }
                        let xi = x.baseAddress! + i * d
                        for j in 0..<n where j != i {
                            let xj = x.baseAddress! + j * d
                            var s = 0.0
                            for t in 0..<d { let diff = Double(xi[t]) - Double(xj[t]); s += diff * diff }
                            sums[cluster[j]] += s.squareRoot()
                        }
                        let own = cluster[i]
                        guard sizes[own] > 1 else { out[i] = 0; continue }
                        let a = sums[own] / Double(sizes[own] - 1)
                        var b = Double.infinity
                        for t in 0..<k where t != own { b = min(b, sums[t] / Double(sizes[t])) }
                        out[i] = (b - a) / max(a, b)
                    }
                }
            }
        }
        return out
    }
}
