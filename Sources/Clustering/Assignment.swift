import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// What a fitted clusterer needs to place new points, and the placing itself (`n2d-mpi predict`).
/// Rows are independent of each other, so any split of the new rows gives the same labels.

/// KMeans: the nearest centroid (the lowest index on a tie), as scikit-learn's `predict`.
public struct KMeansAssignment: Equatable, Sendable {
    /// `clusters × dims`.
    public var centroids: Matrix

    public init(centroids: Matrix) { self.centroids = centroids }

    public func labels(_ points: Matrix) -> [Int] {
        precondition(points.cols == centroids.cols, "points and centroids differ in dimension")
        return (0..<points.rows).map { i in
            var best = 0, bestDistance = Float.infinity
            for c in 0..<centroids.rows {
                var s: Float = 0
                for t in 0..<points.cols { let u = points[i, t] - centroids[c, t]; s += u * u }
                if s < bestDistance { (best, bestDistance) = (c, s) }
            }
            return best
        }
    }
}

/// The Gaussian mixture: each component's responsibility for a point, and the component of the
/// highest (scikit-learn's `predict` and `predict_proba`).
public struct MixtureAssignment: Equatable, Sendable {
    public var weights: [Double]
    /// `components × dims`, row-major.
    public var means: [Double]
    /// `components × dims × dims`, row-major (regularisation included).
    public var covariances: [Double]

    public init(weights: [Double], means: [Double], covariances: [Double]) {
        self.weights = weights
        self.means = means
        self.covariances = covariances
    }

    public var components: Int { weights.count }
    public var dims: Int { weights.isEmpty ? 0 : means.count / weights.count }

    /// Labels and the `rows × components` responsibilities. Throws when a covariance is not positive
    /// definite (a damaged model).
    public func assign(_ points: Matrix) throws -> (labels: [Int], probabilities: [Double]) {
        let k = components, d = dims
        precondition(points.cols == d, "points and mixture differ in dimension")
        var factors = [Double](repeating: 0, count: k * d * d)
        for c in 0..<k {
            guard let l = Self.cholesky(Array(covariances[c * d * d..<(c + 1) * d * d]), d) else {
                throw ClusteringError("the mixture's covariance \(c) is not positive definite.")
            }
            factors.replaceSubrange(c * d * d..<(c + 1) * d * d, with: l)
        }
        let logNormalizers = (0..<k).map { c -> Double in
            var logDet = 0.0
            for j in 0..<d { logDet += log(factors[c * d * d + j * d + j]) }
            return log(weights[c]) - 0.5 * Double(d) * log(2 * Double.pi) - logDet
        }
        var labels = [Int](repeating: 0, count: points.rows)
        var probabilities = [Double](repeating: 0, count: points.rows * k)
        var z = [Double](repeating: 0, count: d), logp = [Double](repeating: 0, count: k)
        for i in 0..<points.rows {
            var top = -Double.infinity
            for c in 0..<k {
                // z = L⁻¹ (x − μ) by forward substitution; log p = const − |z|²/2.
                var norm = 0.0
                for a in 0..<d {
                    var v = Double(points[i, a]) - means[c * d + a]
                    for b in 0..<a { v -= factors[c * d * d + a * d + b] * z[b] }
                    v /= factors[c * d * d + a * d + a]
                    z[a] = v
                    norm += v * v
                }
                logp[c] = logNormalizers[c] - 0.5 * norm
                if logp[c] > top { (top, labels[i]) = (logp[c], c) }
            }
            var total = 0.0
            for c in 0..<k { total += exp(logp[c] - top) }
            for c in 0..<k { probabilities[i * k + c] = exp(logp[c] - top) / total }
        }
        return (labels, probabilities)
    }

    /// The lower Cholesky factor of a symmetric `d × d` matrix, or nil when it is not positive definite.
    static func cholesky(_ a: [Double], _ d: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for t in 0..<j { s -= l[i * d + t] * l[j * d + t] }
                if i == j {
                    guard s > 0 else { return nil }
                    l[i * d + i] = s.squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        return l
    }
}

/// DBSCAN: a new point takes the label of its nearest core point within eps, else it is noise (−1),
/// as the core points decide cluster membership (border points of the fit are not used).
public struct DBSCANAssignment {
    public let eps: Float
    /// The core points of the fit (`cores × dims`) and their cluster labels.
    public let corePoints: Matrix
    public let coreLabels: [Int]
    private let tree: KDTree

    public init(eps: Float, corePoints: Matrix, coreLabels: [Int]) {
        precondition(corePoints.rows == coreLabels.count, "one label per core point")
        self.eps = eps
        self.corePoints = corePoints
        self.coreLabels = coreLabels
        tree = KDTree(corePoints)
    }

    /// The fit's core points and their labels, from its rows.
    public init(eps: Float, points: Matrix, result: DBSCANResult) {
        let cores = result.isCore.indices.filter { result.isCore[$0] }
        self.init(eps: eps, corePoints: points.gatherRows(cores), coreLabels: cores.map { result.labels[$0] })
    }

    public func labels(_ points: Matrix) -> [Int] {
        precondition(points.rows == 0 || points.cols == corePoints.cols, "points and core points differ in dimension")
        return points.storage.withUnsafeBufferPointer { x in
            (0..<points.rows).map { i in
                let query = x.baseAddress! + i * points.cols
                var best = -1, bestDistance = Float.infinity
                tree.forEach(within: eps, of: query) { p in
                    var s: Float = 0
                    for t in 0..<points.cols { let u = query[t] - corePoints[p, t]; s += u * u }
                    if s < bestDistance || (s == bestDistance && p < best) { (best, bestDistance) = (p, s) }
                }
                return best < 0 ? -1 : coreLabels[best]
            }
        }
    }
}
