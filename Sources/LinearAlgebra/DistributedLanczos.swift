import COpenBLAS

/// The largest eigenpairs of a symmetric operator whose rows are spread over ranks, by Lanczos with
/// full reorthogonalisation and thick restarts.
///
/// Every rank holds the whole Lanczos basis (`steps` vectors of length n) and runs the same
/// arithmetic on it. The ranks meet only in `apply`: the caller multiplies its own row block and
/// gathers the full product (an allgather of row blocks, or an allreduce of partial products), so
/// this type needs no communicator and every rank gets the same bits. The result depends on the
/// start vector, the operator's bits and `threads` not at all (inner products are summed in fixed
/// chunks, in chunk order).
public struct DistributedLanczos: Sendable {
    /// Basis vectors per cycle (at least 2·count + 16, at most n less the deflated vectors).
    public var steps: Int
    /// Restarts at most (the last cycle's pairs are returned, `converged` false, when they run out).
    public var restarts: Int
    /// A Ritz pair is accepted when its residual ‖A y − θ y‖ is at most `tolerance` · |θ₁|.
    public var tolerance: Double

    public init(steps: Int = 64, restarts: Int = 200, tolerance: Double = 1e-11) {
        self.steps = steps
        self.restarts = restarts
        self.tolerance = tolerance
    }

    /// What the iteration found: eigenvalues in descending order, unit eigenvectors, residuals, and
    /// how many cycles and products it took.
    public struct Result: Sendable {
        public var values: [Double]
        public var vectors: [[Double]]
        public var residuals: [Double]
        public var converged: Bool
        public var cycles: Int
        public var products: Int
    }

    /// The `count` algebraically largest eigenpairs of the operator `apply` (y ← A x, x and y of
    /// length `n`, on every rank), in the complement of the unit eigenvectors `deflate`.
    ///
    /// `start` is the first vector (the caller draws it from its seeded stream). Returns nil when the
    /// space is too small or the iteration broke down (a zero or non-finite vector).
    ///
    /// Each cycle grows an orthonormal Krylov basis V to `steps` vectors, keeping W = A·V, and takes
    /// the Ritz pairs of Vᵀ W (LAPACK). A restart keeps the best Ritz vectors (about half the basis,
    /// at least `count`) with their products and continues from the part of A·v_last outside the
    /// basis (thick restart, as Krylov–Schur), so no product is repeated. Residuals ‖A y − θ y‖ are
    /// computed from W, not estimated.
    public func largest(count: Int, n: Int, start: [Double], deflate: [[Double]] = [], threads: Int,
                        apply: (_ x: [Double]) -> [Double]) -> Result? {
        precondition(start.count == n, "start vector of length \(start.count), operator of size \(n)")
        let m = min(max(steps, 2 * count + 16), n - deflate.count)
        guard count >= 1, m >= count else { return nil }
        let keep = min(max(count, m - 2), count + max(2, (m - count) / 2))
        var v = start
        orthogonalise(&v, against: [], deflate: deflate, threads: threads)
        let norm0 = Self.dot(v, v, threads: threads).squareRoot()
        guard norm0 > 0, norm0.isFinite else { return nil }
        var basis: [[Double]] = [v.map { $0 / norm0 }]
        var images: [[Double]] = []
        var products = 0
        var cycle = 0
        while true {
            cycle += 1
            // Grow the basis to m vectors (or until it spans an invariant subspace).
            while true {
                if images.count < basis.count {
                    let w = apply(basis[basis.count - 1])
                    products += 1
                    precondition(w.count == n, "the operator returned \(w.count) values for \(n)")
                    guard w.allSatisfy({ $0.isFinite }) else { return nil }
                    images.append(w)
                }
                if basis.count == m { break }
                var r = images[images.count - 1]
                orthogonalise(&r, against: basis, deflate: deflate, threads: threads)
                let nr = Self.dot(r, r, threads: threads).squareRoot()
                let scale = Self.dot(images[0], images[0], threads: threads).squareRoot()
                if !(nr > 1e-12 * max(scale, 1e-300)) { break }
                basis.append(r.map { $0 / nr })
            }
            // Rayleigh–Ritz on span(V): T = Vᵀ A V, symmetrised.
            let k = basis.count
            guard k >= count else { return nil }
            var t = [Double](repeating: 0, count: k * k)
            for i in 0..<k {
                for j in i..<k {
                    let value = 0.5 * (Self.dot(basis[i], images[j], threads: threads) + Self.dot(basis[j], images[i], threads: threads))
                    t[i * k + j] = value
                    t[j * k + i] = value
                }
            }
            guard let (values, small) = Self.symmetricEigen(t, size: k) else { return nil }
            let scale = max(abs(values[0]), 1e-300)
            let kept = min(k == m ? keep : count, k)
            var ritz: [[Double]] = [], ritzImages: [[Double]] = []
            var residuals: [Double] = []
            var converged = true
            for c in 0..<kept {
                let (y, ay) = combine(basis, images, small[c])
                ritz.append(y)
                ritzImages.append(ay)
                if c < count {
                    var res = 0.0
                    for i in 0..<n { let d = ay[i] - values[c] * y[i]; res += d * d }
                    let residual = res.squareRoot()
                    residuals.append(residual)
                    if !(residual <= tolerance * scale) { converged = false }
                }
            }
            if converged || cycle > restarts || k < m || keep >= m {
                var vectors = Array(ritz[0..<count])
                for c in 0..<count {
                    let ny = Self.dot(vectors[c], vectors[c], threads: threads).squareRoot()
                    vectors[c] = vectors[c].map { $0 / ny }
                }
                return Result(values: Array(values[0..<count]), vectors: vectors, residuals: residuals,
                              converged: converged || k < m, cycles: cycle, products: products)
            }
            // Thick restart: the kept Ritz vectors and their products, then the part of A·v_last
            // outside the old basis.
            var f = images[images.count - 1]
            orthogonalise(&f, against: basis, deflate: deflate, threads: threads)
            basis = ritz
            images = ritzImages
            orthogonalise(&f, against: basis, deflate: deflate, threads: threads)
            let nf = Self.dot(f, f, threads: threads).squareRoot()
            guard nf > 0, nf.isFinite else { return nil }
            basis.append(f.map { $0 / nf })
        }
    }

    /// V s and W s.
    private func combine(_ basis: [[Double]], _ images: [[Double]], _ s: [Double]) -> ([Double], [Double]) {
        let n = basis[0].count
        var y = [Double](repeating: 0, count: n), ay = [Double](repeating: 0, count: n)
        y.withUnsafeMutableBufferPointer { yp in
            ay.withUnsafeMutableBufferPointer { ayp in
                for j in 0..<basis.count where s[j] != 0 {
                    let sj = s[j]
                    basis[j].withUnsafeBufferPointer { b in
                        images[j].withUnsafeBufferPointer { w in
                            for i in 0..<n { yp[i] += sj * b[i]; ayp[i] += sj * w[i] }
                        }
                    }
                }
            }
        }
        return (y, ay)
    }

    /// Removes from `w` its components along `deflate` and every basis vector (twice, for stability).
    private func orthogonalise(_ w: inout [Double], against basis: [[Double]], deflate: [[Double]], threads: Int) {
        for _ in 0..<2 {
            for b in deflate + basis {
                let p = Self.dot(w, b, threads: threads)
                for i in 0..<w.count { w[i] -= p * b[i] }
            }
        }
    }

    /// x · y summed in fixed chunks of 4096, merged in chunk order (the same for any thread count);
    /// within a chunk, eight interleaved partial sums (two 4-wide vectors, added in a fixed order),
    /// so the loop runs at the multiply-add rate instead of one addition's latency per element.
    public static func dot(_ x: [Double], _ y: [Double], threads: Int) -> Double {
        let n = x.count
        return x.withUnsafeBufferPointer { xb in y.withUnsafeBufferPointer { yb in
            let xp = xb.baseAddress!, yp = yb.baseAddress!
            if n <= ParallelFor.defaultChunkSize * 4 || threads <= 1 {
                var total = 0.0
                var start = 0
                while start < n {
                    let end = min(n, start + ParallelFor.defaultChunkSize)
                    total += chunkDot(xp, yp, start..<end)
                    start = end
                }
                return total
            }
            return ParallelFor.sum(count: n, width: 1, threads: threads) { items, partial in
                partial[0] += chunkDot(xp, yp, items)
            }[0]
        } }
    }

    @inline(__always)
    private static func chunkDot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ items: Range<Int>) -> Double {
        var a = SIMD4<Double>(), b = SIMD4<Double>()
        var i = items.lowerBound
        let raw = (UnsafeRawPointer(x), UnsafeRawPointer(y)), stride = MemoryLayout<Double>.stride
        while i + 8 <= items.upperBound {
            a += raw.0.loadUnaligned(fromByteOffset: i * stride, as: SIMD4<Double>.self)
                * raw.1.loadUnaligned(fromByteOffset: i * stride, as: SIMD4<Double>.self)
            b += raw.0.loadUnaligned(fromByteOffset: (i + 4) * stride, as: SIMD4<Double>.self)
                * raw.1.loadUnaligned(fromByteOffset: (i + 4) * stride, as: SIMD4<Double>.self)
            i += 8
        }
        let lanes = a + b
        var s = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
        while i < items.upperBound { s += x[i] * y[i]; i += 1 }
        return s
    }

    /// Eigenvalues (descending) and eigenvectors (`vectors[c]` of `values[c]`) of a small dense
    /// symmetric m × m matrix (LAPACK dsyevd); nil when LAPACK fails.
    public static func symmetricEigen(_ matrix: [Double], size m: Int) -> (values: [Double], vectors: [[Double]])? {
        var a = matrix
        var w = [Double](repeating: 0, count: m)
        var n = Int32(m), lda = Int32(m), info: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        var workQuery = 0.0
        var iworkQuery: Int32 = 0
        let jobz = Int8(UInt8(ascii: "V")), uplo = Int8(UInt8(ascii: "U"))
        var jz = jobz, ul = uplo
        dsyevd_(&jz, &ul, &n, &a, &lda, &w, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { return nil }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jz, &ul, &n, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { return nil }
        // Column-major result: column c (a[c*m ..< (c+1)*m]) is the vector of w[c], ascending.
        let order = (0..<m).reversed()
        return (order.map { w[$0] }, order.map { c in Array(a[c * m..<(c + 1) * m]) })
    }
}
