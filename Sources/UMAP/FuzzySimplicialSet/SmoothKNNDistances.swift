import Foundation
import Neighbors

/// Per-point scale of the local metric: ρ_i, the distance to the nearest other point (local
/// connectivity 1, the fit; the transform uses 0, so ρ_i = 0), and σ_i with
/// Σ_{j≥1} exp(−max(0, d_ij − ρ_i)/σ_i) = log2(k), found by bisection (≤ 64 steps, tolerance 1e-5)
/// and floored at 1e-3 × the mean neighbour distance (of the point, or of all points when ρ_i = 0).
public struct SmoothKNNDistances: Equatable, Sendable {
    public var sigmas: [Float]
    public var rhos: [Float]

    static let iterations = 64
    static let tolerance = 1e-5
    static let minimumScale = 1e-3

    /// σ and ρ for every row of `graph` (entry 0 of each row is the point itself, at distance 0), with
    /// local connectivity 1 (ρ_i = the nearest positive distance), as the fit computes them.
    /// `meanDistance` is the mean of all distances of the whole graph (every rank's rows).
    public init(graph: KNNGraph, meanDistance: Double) {
        self.init(distances: graph.distances, k: graph.k, meanDistance: meanDistance, localConnectivity: 1)
    }

    /// σ and ρ for each row of `distances` (rows of `k` ascending distances), as umap-learn's
    /// `smooth_knn_dist`: ρ_i interpolates the positive distances at `localConnectivity` (1: the
    /// nearest positive one; 0: ρ = 0, the transform's max(0, 1 − 1)); fewer positive distances than
    /// that → the largest; the bisection sums entries 1..<k (as umap-learn, also when entry 0 is not
    /// the point itself). `meanDistance`: the mean of all distances of the request (every rank's rows).
    public init(distances: [Float], k: Int, meanDistance: Double, localConnectivity: Double) {
        precondition(k >= 1 && distances.count % k == 0, "distances must be rows of k = \(k)")
        let target = log2(Double(k))
        let rows = distances.count / k
        sigmas = []
        rhos = []
        sigmas.reserveCapacity(rows)
        rhos.reserveCapacity(rows)
        for r in 0..<rows {
            let row = distances[r * k..<(r + 1) * k].map(Double.init)
            let rho = SmoothKNNDistances.rho(row, localConnectivity: localConnectivity)
            var low = 0.0, high = Double.infinity, mid = 1.0
            for _ in 0..<SmoothKNNDistances.iterations {
                var sum = 0.0
                for j in 1..<k {
                    let d = row[row.startIndex + j] - rho
                    sum += d > 0 ? exp(-d / mid) : 1
                }
                if abs(sum - target) < SmoothKNNDistances.tolerance { break }
                if sum > target {
                    high = mid
                    mid = (low + high) / 2
                } else {
                    low = mid
                    mid = high == .infinity ? mid * 2 : (low + high) / 2
                }
            }
            let floorScale = SmoothKNNDistances.minimumScale * (rho > 0 ? row.reduce(0, +) / Double(k) : meanDistance)
            sigmas.append(Float(max(mid, floorScale)))
            rhos.append(Float(rho))
        }
    }

    /// umap-learn's ρ of one row for a local connectivity c: the positive distances p (ascending);
    /// c ≤ |p|: p[⌊c⌋ − 1] plus the fraction c − ⌊c⌋ of the step to p[⌊c⌋] (⌊c⌋ = 0: that fraction of
    /// p[0]); fewer: max(p); none: 0.
    static func rho(_ row: [Double], localConnectivity c: Double) -> Double {
        let positive = row.filter { $0 > 0 }
        guard !positive.isEmpty else { return 0 }
        guard Double(positive.count) >= c else { return positive.max()! }
        let index = Int(c.rounded(.down)), interpolation = c - Double(index)
        guard index > 0 else { return interpolation * positive[0] }
        var rho = positive[index - 1]
        if interpolation > tolerance { rho += interpolation * (positive[index] - positive[index - 1]) }
        return rho
    }

    /// The directed memberships w_ij = exp(−(d_ij − ρ_i)/σ_i) of `graph`'s rows (1 within ρ_i,
    /// 0 for the point itself), laid out like `graph.distances`.
    public func memberships(of graph: KNNGraph) -> [Float] {
        let k = graph.k
        var out = [Float](repeating: 0, count: graph.indices.count)
        for r in 0..<graph.rows.count {
            let row = graph.rows.lowerBound + r
            for j in 0..<k where Int(graph.indices[r * k + j]) != row {
                let excess = graph.distances[r * k + j] - rhos[r]
                out[r * k + j] = excess <= 0 || sigmas[r] == 0 ? 1 : expf(-excess / sigmas[r])
            }
        }
        return out
    }

    /// The bipartite memberships of rows of `k` distances to another point set (umap-learn's
    /// `compute_membership_strengths(bipartite=True)`: no entry is the point itself), laid out like
    /// `distances`: 1 within ρ_i (or σ_i = 0), else exp(−(d_ij − ρ_i)/σ_i).
    public func bipartiteMemberships(distances: [Float], k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: distances.count)
        for r in 0..<distances.count / k {
            for j in 0..<k {
                let excess = distances[r * k + j] - rhos[r]
                out[r * k + j] = excess <= 0 || sigmas[r] == 0 ? 1 : expf(-excess / sigmas[r])
            }
        }
        return out
    }
}
