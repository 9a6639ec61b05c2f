import Foundation

/// The a, b of the embedding-space membership curve 1 / (1 + a·d^{2b}), fitted by least squares
/// (Levenberg–Marquardt) to the target exp(−(d − min_dist)/spread) beyond `min_dist` and 1 within,
/// on 300 points of [0, 3·spread], as umap-learn's `find_ab_params`.
public struct CurveParameters: Equatable, Sendable {
    public var a: Float
    public var b: Float

    public init(a: Float, b: Float) {
        self.a = a
        self.b = b
    }

    /// The least-squares fit for `minDist` and `spread` (min_dist 0, spread 1 → a ≈ 1.9328, b ≈ 0.7905).
    public static func fit(minDist: Float, spread: Float) -> CurveParameters {
        let count = 300
        let xs = (0..<count).map { 3 * Double(spread) * Double($0) / Double(count - 1) }
        let ys = xs.map { $0 < Double(minDist) ? 1 : exp(-($0 - Double(minDist)) / Double(spread)) }
        var a = 1.0, b = 1.0, lambda = 1e-3
        func residuals(_ a: Double, _ b: Double) -> Double {
            zip(xs, ys).reduce(0) { sum, p in
                let r = 1 / (1 + a * pow(p.0, 2 * b)) - p.1
                return sum + r * r
            }
        }
        var cost = residuals(a, b)
        for _ in 0..<500 {
            // Normal equations of the Gauss–Newton step, damped by lambda (Marquardt scaling).
            var jtj = (0.0, 0.0, 0.0), jtr = (0.0, 0.0)
            for (x, y) in zip(xs, ys) where x > 0 {
                let p = pow(x, 2 * b), f = 1 / (1 + a * p)
                let da = -p * f * f, db = -a * p * 2 * log(x) * f * f
                let r = f - y
                jtj.0 += da * da; jtj.1 += da * db; jtj.2 += db * db
                jtr.0 += da * r; jtr.1 += db * r
            }
            let h00 = jtj.0 * (1 + lambda), h11 = jtj.2 * (1 + lambda), h01 = jtj.1
            let det = h00 * h11 - h01 * h01
            guard det != 0 else { break }
            let stepA = -(h11 * jtr.0 - h01 * jtr.1) / det
            let stepB = -(h00 * jtr.1 - h01 * jtr.0) / det
            let trial = residuals(a + stepA, b + stepB)
            if trial < cost {
                let converged = abs(stepA) < 1e-12 * (abs(a) + 1e-12) && abs(stepB) < 1e-12 * (abs(b) + 1e-12)
                a += stepA; b += stepB; cost = trial; lambda = max(lambda / 10, 1e-12)
                if converged { break }
            } else {
                lambda *= 10
                if lambda > 1e12 { break }
            }
        }
        return CurveParameters(a: Float(a), b: Float(b))
    }
}
