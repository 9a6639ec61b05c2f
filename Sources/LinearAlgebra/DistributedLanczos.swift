import COpenBLAS

/// The largest eigenpairs of a symmetric operator whose rows are spread over ranks, by Lanczos with
/// full reorthogonalisation and explicit restarts.
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
    /// Restart cycles at most.
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
    /// length `n`, on every rank), in the complement of the unit vectors `deflate`.
    ///
    /// `start` is the first vector (the caller draws it from its seeded stream). Returns nil when the
    /// space is too small or the iteration broke down (a zero or non-finite vector).
    public func largest(count: Int, n: Int, start: [Double], deflate: [[Double]] = [], threads: Int,
                        apply: (_ x: [Double]) -> [Double]) -> Result? {
        precondition(start.count == n, "start vector of length \(start.count), operator of size \(n)")
        let m = min(max(steps, 2 * count + 16), n - deflate.count)
        guard count >= 1, m >= count else { return nil }
        var first = start
        var products = 0
        var last: Result?
        for cycle in 1...(restarts + 1) {
            guard var result = run(start: first, m: m, count: count, deflate: deflate, threads: threads,
                                   products: &products, apply: apply) else { return nil }
            result.cycles = cycle
            last = result
            if result.converged { break }
            first = [Double](repeating: 0, count: n)
            for y in result.vectors { for i in 0..<n { first[i] += y[i] } }
        }
        last?.products = products
        return last
    }

    private func run(start: [Double], m: Int, count: Int, deflate: [[Double]], threads: Int,
                     products: inout Int, apply: ([Double]) -> [Double]) -> Result? {
        let n = start.count
        var basis: [[Double]] = []
        basis.reserveCapacity(m)
        var alphas: [Double] = [], betas: [Double] = []
        var w = start
        orthogonalise(&w, against: basis, deflate: deflate, threads: threads)
        var norm = Self.dot(w, w, threads: threads).squareRoot()
        guard norm > 0, norm.isFinite else { return nil }
        basis.append(w.map { $0 / norm })
        var lastBeta = 0.0
        while true {
            w = apply(basis[basis.count - 1])
            products += 1
            precondition(w.count == n, "the operator returned \(w.count) values for \(n)")
            let alpha = Self.dot(w, basis[basis.count - 1], threads: threads)
            guard alpha.isFinite else { return nil }
            alphas.append(alpha)
            orthogonalise(&w, against: basis, deflate: deflate, threads: threads)
            norm = Self.dot(w, w, threads: threads).squareRoot()
            guard norm.isFinite else { return nil }
            lastBeta = norm
            if basis.count == m || norm <= 1e-13 * max(abs(alphas[0]), 1e-300) { break }
            betas.append(norm)
            basis.append(w.map { $0 / norm })
        }
        let used = basis.count
        guard used >= count else { return nil }
        var tridiagonal = [Double](repeating: 0, count: used * used)
        for i in 0..<used { tridiagonal[i * used + i] = alphas[i] }
        for i in 0..<used - 1 {
            tridiagonal[i * used + i + 1] = betas[i]
            tridiagonal[(i + 1) * used + i] = betas[i]
        }
        guard let (values, small) = Self.symmetricEigen(tridiagonal, size: used) else { return nil }
        let scale = max(abs(values[0]), 1e-300)
        var vectors: [[Double]] = [], residuals: [Double] = []
        var converged = true
        for c in 0..<count {
            let s = small[c]
            let residual = abs(lastBeta * s[used - 1])
            residuals.append(residual)
            if residual > tolerance * scale { converged = false }
            var y = [Double](repeating: 0, count: n)
            for j in 0..<used where s[j] != 0 {
                let b = basis[j], sj = s[j]
                for i in 0..<n { y[i] += sj * b[i] }
            }
            let ny = Self.dot(y, y, threads: threads).squareRoot()
            vectors.append(y.map { $0 / ny })
        }
        return Result(values: Array(values[0..<count]), vectors: vectors, residuals: residuals,
                      converged: converged, cycles: 0, products: 0)
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

    /// x · y summed in fixed chunks of 4096, merged in chunk order (the same for any thread count).
    public static func dot(_ x: [Double], _ y: [Double], threads: Int) -> Double {
        let n = x.count
        if n <= ParallelFor.defaultChunkSize * 4 || threads <= 1 {
            return x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
                var total = 0.0
                var start = 0
                while start < n {
                    let end = min(n, start + ParallelFor.defaultChunkSize)
                    var s = 0.0
                    for i in start..<end { s += xp[i] * yp[i] }
                    total += s
                    start = end
                }
                return total
            } }
        }
        return x.withUnsafeBufferPointer { xp in y.withUnsafeBufferPointer { yp in
            ParallelFor.sum(count: n, width: 1, threads: threads) { items, partial in
                var s = 0.0
                for i in items { s += xp[i] * yp[i] }
                partial[0] += s
            }[0]
        } }
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
