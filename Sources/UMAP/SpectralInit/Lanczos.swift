import Randomness
import Neighbors

/// The largest eigenpairs of a symmetric operator by Lanczos with full reorthogonalisation and
/// explicit restarts, in the complement of a known eigenvector (deflation).
struct Lanczos {
    /// Basis vectors per cycle.
    var steps: Int
    /// Restart cycles at most.
    var restarts: Int
    /// A Ritz pair is accepted when its residual ‖M y − θ y‖ is below this.
    var tolerance: Double

    /// The `count` algebraically largest eigenpairs of `apply` (y ← M x on vectors of length `n`)
    /// orthogonal to the unit vector `deflate`; nil when the space is too small or the iteration broke.
    func largest(count: Int, n: Int, deflate: [Double], random: inout SeededGenerator,
                 apply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> [[Double]]? {
        let m = min(steps, n - 1)
        guard count >= 1, m >= count else { return nil }
        var start = (0..<n).map { _ in Double(random.nextNormalFloat()) }
        var ritz: [[Double]] = []
        for _ in 0...restarts {
            guard let cycle = run(start: start, m: m, count: count, deflate: deflate, apply: apply) else { return nil }
            ritz = cycle.vectors
            if cycle.converged { break }
            start = [Double](repeating: 0, count: n)
            for y in ritz { for i in 0..<n { start[i] += y[i] } }
        }
        return ritz
    }

    private func run(start: [Double], m: Int, count: Int, deflate: [Double],
                     apply: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void)
        -> (vectors: [[Double]], converged: Bool)? {
        let n = start.count
        var basis = [Double](repeating: 0, count: m * n)
        var alphas: [Double] = [], betas: [Double] = []
        var w = start
        orthogonalise(&w, against: basis, used: 0, deflate: deflate)
        var norm = Self.norm(w)
        guard norm > 0, norm.isFinite else { return nil }
        for i in 0..<n { basis[i] = w[i] / norm }
        var used = 1
        var lastBeta = 0.0
        while true {
            let j = used - 1
            basis.withUnsafeBufferPointer { b in w.withUnsafeMutableBufferPointer { apply(b.baseAddress! + j * n, $0.baseAddress!) } }
            var alpha = 0.0
            for i in 0..<n { alpha += w[i] * basis[j * n + i] }
            alphas.append(alpha)
            orthogonalise(&w, against: basis, used: used, deflate: deflate)
            norm = Self.norm(w)
            guard norm.isFinite else { return nil }
            lastBeta = norm
            if used == m || norm < 1e-10 { break }
            betas.append(norm)
            for i in 0..<n { basis[used * n + i] = w[i] / norm }
            used += 1
        }
        var tridiagonal = [Double](repeating: 0, count: used * used)
        for i in 0..<used { tridiagonal[i * used + i] = alphas[i] }
        for i in 0..<used - 1 {
            tridiagonal[i * used + i + 1] = betas[i]
            tridiagonal[(i + 1) * used + i] = betas[i]
        }
        let (_, small) = SymmetricEigen.decompose(tridiagonal, size: used)
        guard small.count >= count else { return nil }
        var converged = true
        var vectors: [[Double]] = []
        for c in 0..<count {
            let s = small[c]
            if abs(lastBeta * s[used - 1]) > tolerance { converged = false }
            var y = [Double](repeating: 0, count: n)
            for j in 0..<used where s[j] != 0 { for i in 0..<n { y[i] += s[j] * basis[j * n + i] } }
            vectors.append(y)
        }
        return (vectors, converged)
    }

    /// Removes from `w` its components along `deflate` and the first `used` basis vectors (twice, for
    /// stability).
    private func orthogonalise(_ w: inout [Double], against basis: [Double], used: Int, deflate: [Double]) {
        let n = w.count
        for _ in 0..<2 {
            var d = 0.0
            for i in 0..<n { d += w[i] * deflate[i] }
            for i in 0..<n { w[i] -= d * deflate[i] }
            for j in 0..<used {
                var p = 0.0
                for i in 0..<n { p += w[i] * basis[j * n + i] }
                for i in 0..<n { w[i] -= p * basis[j * n + i] }
            }
        }
    }

    private static func norm(_ v: [Double]) -> Double {
        var s = 0.0
        for x in v { s += x * x }
        return s.squareRoot()
    }
}
