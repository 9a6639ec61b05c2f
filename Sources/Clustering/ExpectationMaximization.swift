import COpenBLAS
import Collectives
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// One EM run of a full-covariance Gaussian mixture over this rank's rows (see `GaussianMixture`).
struct ExpectationMaximization {
    let points: Matrix
    let shard: RowShard
    let k: Int
    let regularization: Double
    let threads: Int
    var weights: [Double]
    var means: [Double]
    var covariances: [Double]
    /// Lower Cholesky factors of the covariances (row-major, `k × d × d`).
    var factors: [Double]
    /// Responsibilities of this rank's rows (`rows × k`), or their logs right after an E-step.
    var responsibilities: [Double]

    init(points: Matrix, shard: RowShard, k: Int, regularization: Double, threads: Int) {
        self.points = points
        self.shard = shard
        self.k = k
        self.regularization = regularization
        self.threads = threads
        let d = shard.dims
        weights = [Double](repeating: 0, count: k)
        means = [Double](repeating: 0, count: k * d)
        covariances = [Double](repeating: 0, count: k * d * d)
        factors = covariances
        responsibilities = [Double](repeating: 0, count: points.rows * k)
    }

    mutating func run(initialLabels: [Int], maxIterations: Int, tolerance: Double, world: Communicator) throws -> GaussianMixtureResult {
        for (i, label) in initialLabels.enumerated() { responsibilities[i * k + label] = 1 }
        try maximize(world: world)
        var history: [Double] = []
        var converged = false
        var previous = -Double.infinity
        while history.count < maxIterations {
            let current = expect(world: world)
            history.append(current)
            try maximize(world: world)
            if abs(current - previous) < tolerance { converged = true; break }
            previous = current
        }
        let final = expect(world: world)
        var labels = [Int](repeating: 0, count: points.rows)
        for i in 0..<points.rows {
            var best = 0
            for c in 1..<k where responsibilities[i * k + c] > responsibilities[i * k + best] { best = c }
            labels[i] = best
        }
        var counts = [Int64](repeating: 0, count: k)
        for l in labels { counts[l] += 1 }
        world.allreduce(&counts, op: .sum)
        let sizes = counts.map { Int($0) }
        return GaussianMixtureResult(weights: weights, means: means, covariances: covariances, labels: labels,
                                     logLikelihood: final, logLikelihoodHistory: history, iterations: history.count,
                                     converged: converged, sizes: sizes)
    }

    /// E-step: responsibilities from the current mixture; returns the mean log-likelihood per row.
    mutating func expect(world: Communicator) -> Double {
        let d = shard.dims, k = self.k
        let logNormalizers = (0..<k).map { c -> Double in
            var logDet = 0.0
            for j in 0..<d { logDet += log(factors[c * d * d + j * d + j]) }
            return log(weights[c]) - 0.5 * Double(d) * log(2 * Double.pi) - logDet
        }
        let logLikelihood = points.storage.withUnsafeBufferPointer { x in
            means.withUnsafeBufferPointer { mu in
                factors.withUnsafeBufferPointer { l in
                    responsibilities.withUnsafeMutableBufferPointer { r in
                        let r = r
                        return ParallelFor.sum(count: points.rows, width: 1, threads: threads) { range, partial in
                            var z = [Double](repeating: 0, count: d)
                            var sum = 0.0
                            for i in range {
                                let row = x.baseAddress! + i * d
                                let out = r.baseAddress! + i * k
                                var top = -Double.infinity
                                for c in 0..<k {
                                    // z = L⁻¹ (x − μ) by forward substitution; log p = const − |z|²/2.
                                    let lc = l.baseAddress! + c * d * d
                                    var norm = 0.0
                                    for a in 0..<d {
                                        var v = Double(row[a]) - mu[c * d + a]
                                        for b in 0..<a { v -= lc[a * d + b] * z[b] }
                                        v /= lc[a * d + a]
                                        z[a] = v
                                        norm += v * v
                                    }
                                    out[c] = logNormalizers[c] - 0.5 * norm
                                    top = max(top, out[c])
                                }
                                var total = 0.0
                                for c in 0..<k { total += exp(out[c] - top) }
                                let logTotal = top + log(total)
                                for c in 0..<k { out[c] = exp(out[c] - logTotal) }
                                sum += logTotal
                            }
                            partial[0] = sum
                        }
                    }
                }
            }
        }
        return world.allreduce(logLikelihood[0], op: .sum) / Double(shard.total)
    }

    /// M-step: weights, means and regularised covariances from the responsibilities, summed over
    /// ranks; then their Cholesky factors.
    mutating func maximize(world: Communicator) throws {
        let d = shard.dims, k = self.k
        // First pass: component masses and weighted coordinate sums.
        var firstMoments = sumOverChunks(stride: k + k * d) { row, r, out in
            for c in 0..<k {
                let w = r[c]
                out[c] += w
                for a in 0..<d { out[k + c * d + a] += w * Double(row[a]) }
            }
        }
        world.allreduce(&firstMoments, op: .sum)
        let epsilon = 10 * Double.ulpOfOne
        for c in 0..<k {
            let mass = firstMoments[c] + epsilon
            weights[c] = mass
            for a in 0..<d { means[c * d + a] = firstMoments[k + c * d + a] / mass }
        }
        let totalMass = weights.reduce(0, +)
        // Second pass: centred second moments (lower triangle).
        let centre = means
        var secondMoments = sumOverChunks(stride: k * d * d) { row, r, out in
            var v = [Double](repeating: 0, count: d)
            for c in 0..<k {
                let w = r[c]
                for a in 0..<d { v[a] = Double(row[a]) - centre[c * d + a] }
                let block = out + c * d * d
                for a in 0..<d {
                    let wa = w * v[a]
                    for b in 0...a { block[a * d + b] += wa * v[b] }
                }
            }
        }
        world.allreduce(&secondMoments, op: .sum)
        for c in 0..<k {
            for a in 0..<d {
                for b in 0...a {
                    var value = secondMoments[c * d * d + a * d + b] / weights[c]
                    if a == b { value += regularization }
                    covariances[c * d * d + a * d + b] = value
                    covariances[c * d * d + b * d + a] = value
                }
            }
            weights[c] /= totalMass
        }
        try factorize()
    }

    /// Adds `accumulate(row, responsibilities of the row, out)` over this rank's rows in
    /// fixed chunks and returns the sum (merged in chunk order, so independent of the thread count).
    private func sumOverChunks(stride: Int,
                               _ accumulate: (UnsafePointer<Float>, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let d = shard.dims, k = self.k
        return points.storage.withUnsafeBufferPointer { x in
            responsibilities.withUnsafeBufferPointer { r in
                ParallelFor.sum(count: points.rows, width: stride, threads: threads) { range, out in
                    for i in range { accumulate(x.baseAddress! + i * d, r.baseAddress! + i * k, out) }
                }
            }
        }
    }

    /// Lower Cholesky factors of the covariances by LAPACK; throws when one is not positive definite.
    private mutating func factorize() throws {
        let d = shard.dims
        var n = Int32(d), lda = Int32(d), info: Int32 = 0
        var upper = Int8(UInt8(ascii: "U"))
        for c in 0..<k {
            var block = Array(covariances[c * d * d..<(c + 1) * d * d])
            // Row-major storage of a symmetric matrix read column-major: LAPACK's upper factor U
            // (A = UᵀU) lands in memory as the row-major lower factor L = Uᵀ.
            dpotrf_(&upper, &n, &block, &lda, &info)
            guard info == 0 else {
                throw ClusteringError("Gaussian mixture component \(c) has a covariance that is not positive definite (LAPACK dpotrf info \(info)); use fewer --gmm-components or rescale the data.")
            }
            for a in 0..<d { for b in 0..<d { factors[c * d * d + a * d + b] = b <= a ? block[a * d + b] : 0 } }
        }
    }
}
