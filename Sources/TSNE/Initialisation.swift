import Randomness
import Foundation
import LinearAlgebra
import Neighbors
import Randomness

/// The starting positions (x0, y0, x1, y1, …) of t-SNE (public for the tests).
public enum Initialisation {
    /// scikit-learn's 'pca': the data centred and projected on its first two principal axes, then both
    /// columns divided by the standard deviation of the first (population, ddof 0) and multiplied by 1e-4.
    /// The covariance is summed in Double over all rows in a fixed order (the same on any rank or thread
    /// count; O(N·d²/2), the data read once per task), its top eigenvectors found by subspace iteration; each axis's sign makes its largest
    /// loading positive.
    public static func pca(_ data: Matrix, threads: Int) -> [Float] {
        let n = data.rows, d = data.cols
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for a in 0..<d { mean[a] += Double(data.storage[i * d + a]) } }
        for a in 0..<d { mean[a] /= Double(n) }
        // Covariance (unscaled), upper triangle: each task owns some rows a of it and streams the data
        // once, each entry summed over the data rows in order (so the thread count does not matter).
        var cov = [Double](repeating: 0, count: d * d)
        let tasks = min(d, 4 * max(threads, 1))
        data.storage.withUnsafeBufferPointer { xb in
            cov.withUnsafeMutableBufferPointer { cb in
                let x = xb.baseAddress!, c = cb.baseAddress!
                parallelChunks(tasks, threads: threads) { task in
                    // Rows a = task, task + tasks, …: the triangle's rows shrink, so interleave them.
                    let mine = Array(stride(from: task, to: d, by: tasks))
                    var centred = [Double](repeating: 0, count: d)
                    for i in 0..<n {
                        for t in 0..<d { centred[t] = Double(x[i * d + t]) - mean[t] }
                        for a in mine {
                            let xa = centred[a]
                            let row = c + a * d
                            for b in a..<d { row[b] += xa * centred[b] }
                        }
                    }
                }
            }
        }
        for a in 0..<d { for b in 0..<a { cov[a * d + b] = cov[b * d + a] } }
        let axes = topEigenvectors(cov, d: d, count: min(2, d), threads: threads)
        var out = [Float](repeating: 0, count: 2 * n)
        for i in 0..<n {
            for (c, axis) in axes.enumerated() {
                var s = 0.0
                for a in 0..<d { s += (Double(data.storage[i * d + a]) - mean[a]) * axis[a] }
                out[2 * i + c] = Float(s)
            }
        }
        // scikit-learn scales the float32 projection by the float32 standard deviation of column 0.
        var m = 0.0
        for i in 0..<n { m += Double(out[2 * i]) }
        m /= Double(n)
        var v = 0.0
        for i in 0..<n { let e = Double(out[2 * i]) - m; v += e * e }
        let std = (v / Double(n)).squareRoot()
        let factor = std > 0 ? 1e-4 / std : 1
        return out.map { Float(Double($0) * factor) }
    }

    /// scikit-learn's 'random': N(0, (1e-4)²) per coordinate, row i drawn from its own seeded stream
    /// (so the start does not depend on the rank count).
    public static func random(rows: Int, seed: UInt64) -> [Float] {
        var out = [Float](repeating: 0, count: 2 * rows)
        for i in 0..<rows {
            var g = SeededGenerator(seed: seed, at: 0x75E, UInt64(i))
            out[2 * i] = 1e-4 * g.nextNormalFloat()
            out[2 * i + 1] = 1e-4 * g.nextNormalFloat()
        }
        return out
    }

    /// The `count` leading unit eigenvectors of the symmetric `d × d` matrix `a` (Double), by subspace
    /// iteration on a block of min(d, count + 10) vectors with Rayleigh–Ritz (Jacobi); exact in one
    /// step when the block spans the space (d ≤ count + 10, e.g. the 10-d codes).
    static func topEigenvectors(_ a: [Double], d: Int, count: Int, threads: Int = 1) -> [[Double]] {
        // A block of count + 10 vectors (scikit-learn's randomized PCA oversamples by 10 as well).
        let b = min(d, count + 10)
        // A fixed, full-rank start: e_j plus a small deterministic spread.
        var v = [[Double]](repeating: [Double](repeating: 0, count: d), count: b)
        for j in 0..<b {
            for r in 0..<d { v[j][r] = (r == j ? 1 : 0) + 0.01 * sin(Double(r * 7 + j * 13 + 1)) }
        }
        orthonormalise(&v)
        /// A·(each vector), the vectors spread over the threads (each product is the same on any thread).
        func products(_ vectors: [[Double]]) -> [[Double]] {
            var out = [[Double]](repeating: [], count: vectors.count)
            out.withUnsafeMutableBufferPointer { o in
                parallelChunks(vectors.count, threads: threads) { j in o[j] = multiply(a, vectors[j], d: d) }
            }
            return out
        }
        var previous = [Double](repeating: .infinity, count: b)
        var ritz: [[Double]] = v
        // Power steps W = orth(A·V); every 5th (and when the block is the whole space, the first) ends
        // with Rayleigh–Ritz in span(W), which also tells whether the top values have settled. At most
        // 200 steps: for a start of t-SNE the axes need not be exact where the spectrum is flat.
        for iteration in 0..<200 {
            var w = products(v)
            orthonormalise(&w)
            guard b == d || iteration % 5 == 4 || iteration == 199 else {
                v = w
                continue
            }
            let aw = products(w)
            var small = [Double](repeating: 0, count: b * b)
            for p in 0..<b { for q in 0..<b { small[p * b + q] = dot(w[p], aw[q]) } }
            // Eigenpairs of the small projected matrix, largest first (LAPACK, as the Lanczos solvers).
            guard let (current, vectors) = DistributedLanczos.symmetricEigen(small, size: b) else { break }
            ritz = vectors.map { y in
                var out = [Double](repeating: 0, count: d)
                for p in 0..<b { let c = y[p]; for r in 0..<d { out[r] += c * w[p][r] } }
                return out
            }
            let scale = max(abs(current[0]), 1e-300)
            let settled = (0..<count).allSatisfy { abs(current[$0] - previous[$0]) <= 1e-12 * scale }
            previous = current
            v = ritz
            if b == d || settled { break }
        }
        return (0..<count).map { k in
            var axis = ritz[k]
            let norm = dot(axis, axis).squareRoot()
            axis = axis.map { $0 / norm }
            var largest = 0
            for r in 0..<d where abs(axis[r]) > abs(axis[largest]) { largest = r }
            if axis[largest] < 0 { axis = axis.map { -$0 } }
            return axis
        }
    }

    static func multiply(_ a: [Double], _ x: [Double], d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: d)
        for r in 0..<d {
            var s = 0.0
            for c in 0..<d { s += a[r * d + c] * x[c] }
            out[r] = s
        }
        return out
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// Modified Gram–Schmidt, twice.
    static func orthonormalise(_ v: inout [[Double]]) {
        for _ in 0..<2 {
            for j in 0..<v.count {
                for p in 0..<j {
                    let c = dot(v[p], v[j])
                    for r in 0..<v[j].count { v[j][r] -= c * v[p][r] }
                }
                let norm = dot(v[j], v[j]).squareRoot()
                if norm > 0 { for r in 0..<v[j].count { v[j][r] /= norm } }
            }
        }
    }
}
