import LinearAlgebra

/// Chooses DBSCAN's `eps` from the data: every point's distance to its `minSamples`-th nearest point
/// (itself counted first, so at that eps the point is just core) is sorted ascending, and eps is
/// taken at the knee of that curve — the point farthest below the chord from the first to the last
/// value, after scaling both axes to [0, 1] (the "kneedle" rule). Points left of the knee sit in
/// dense regions; the steep tail to its right is sparse outliers, which then become noise.
public enum EpsilonEstimate {
    /// The chosen eps and the curve it came from.
    public struct Choice: Sendable {
        /// The eps at the knee.
        public var eps: Float
        /// Position of the knee in the sorted curve, as a share of the points (0–1).
        public var quantile: Double
    }

    /// Finds eps for `points` and `minSamples` (≥ 2; at 1 every point is its own core).
    public static func knee(_ points: Matrix, minSamples: Int, threads: Int = 1) throws -> Choice {
        guard minSamples >= 2 else {
            throw ClusteringError("--dbscan-eps auto needs --dbscan-min-samples of at least 2 (got \(minSamples)).")
        }
        guard points.rows > minSamples else {
            throw ClusteringError("--dbscan-eps auto needs more rows than --dbscan-min-samples (\(points.rows) rows, min_samples \(minSamples)).")
        }
        let distances = kDistances(points, k: minSamples, threads: threads).sorted()
        let first = Double(distances.first!), last = Double(distances.last!)
        guard last > first else {
            guard first > 0 else {
                throw ClusteringError("--dbscan-eps auto: every point has \(minSamples) identical points; give --dbscan-eps explicitly.")
            }
            return Choice(eps: Float(first), quantile: 1)
        }
        var best = 0, bestGap = -Double.infinity
        let n = distances.count
        for i in 0..<n {
            let x = Double(i) / Double(n - 1)
            let y = (Double(distances[i]) - first) / (last - first)
            if x - y > bestGap { bestGap = x - y; best = i }
        }
        var eps = distances[best]
        if eps <= 0 { eps = distances.first { $0 > 0 } ?? distances[n - 1] }
        return Choice(eps: eps, quantile: Double(best) / Double(n - 1))
    }

    /// Each row's distance to its `k`-th nearest row (itself first).
    public static func kDistances(_ points: Matrix, k: Int, threads: Int = 1) -> [Float] {
        let tree = KDTree(points)
        var out = [Float](repeating: 0, count: points.rows)
        points.storage.withUnsafeBufferPointer { rows in
            out.withUnsafeMutableBufferPointer { out in
                let out = out
                ParallelFor.chunks(count: points.rows, chunkSize: 256, threads: threads) { _, range in
                    for i in range { out[i] = tree.kthNearestDistance(to: rows.baseAddress! + i * points.cols, k: k) }
                }
            }
        }
        return out
    }
}
