import Foundation
import Neighbors

/// Per-point scale of the local metric: ρ_i, the distance to the nearest other point, and σ_i with
/// Σ_{j≥1} exp(−max(0, d_ij − ρ_i)/σ_i) = log2(k), found by bisection (≤ 64 steps, tolerance 1e-5)
/// and floored at 1e-3 × the mean neighbour distance (of the point, or of all points when ρ_i = 0).
public struct SmoothKNNDistances: Equatable, Sendable {
    public var sigmas: [Float]
    public var rhos: [Float]

    static let iterations = 64
    static let tolerance = 1e-5
    static let minimumScale = 1e-3

    /// σ and ρ for every row of `graph` (entry 0 of each row is the point itself, at distance 0).
    /// `meanDistance` is the mean of all distances of the whole graph (every rank's rows).
    public init(graph: KNNGraph, meanDistance: Double) {
        let k = graph.k
        let target = log2(Double(k))
        sigmas = []
        rhos = []
        sigmas.reserveCapacity(graph.rows.count)
        rhos.reserveCapacity(graph.rows.count)
        for r in 0..<graph.rows.count {
            let row = graph.distances[r * k..<(r + 1) * k].map(Double.init)
            let rho = row.first { $0 > 0 } ?? 0
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
}
