import COpenBLAS

/// Whether an operand enters a product as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

/// Thin wrappers over OpenBLAS for row-major `Float` data.
public enum BLAS {
    /// C ← alpha · op(A) · op(B) + beta · C on raw row-major buffers. `m × n` is C's shape, `k` the inner
    /// dimension; `lda`, `ldb`, `ldc` are row strides.
    public static func sgemm(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, alpha: Float = 1,
                             a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// y ← alpha · op(A) · x + beta · y for a row-major `rows × cols` A.
    public static func sgemv(_ trans: Transpose, rows: Int, cols: Int, alpha: Float = 1, a: UnsafePointer<Float>,
                             x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasRowMajor, trans.cblas, Int32(rows), Int32(cols), alpha, a, Int32(cols), x, 1, beta, y, 1)
    }

    /// The number of threads OpenBLAS uses.
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// OpenBLAS's version and build, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".
    public static var configuration: String { String(cString: openblas_get_config()) }

    /// The version number alone, e.g. "0.3.21".
    public static var version: String {
        let words = configuration.split(separator: " ")
        return words.count > 1 ? String(words[1]) : configuration
    }

    /// The BLAS thread count a rank should use: `requested` if given, else the machine's cores shared
    /// evenly among the ranks on it (at least one) — one per rank when ranks fill the machine, all
    /// cores for a single process.
    public static func threadsPerRank(ranksOnMachine: Int, cores: Int, requested: Int? = nil) -> Int {
        if let requested, requested > 0 { return requested }
        return max(1, cores / max(1, ranksOnMachine))
    }
}

extension Matrix {
    /// The product `op(self) · op(other)` through sgemm.
    public func multiplied(by other: Matrix, transposeSelf: Transpose = .none, transposeOther: Transpose = .none) -> Matrix {
        let m = transposeSelf == .none ? rows : cols
        let k = transposeSelf == .none ? cols : rows
        let kb = transposeOther == .none ? other.rows : other.cols
        let n = transposeOther == .none ? other.cols : other.rows
        precondition(k == kb, "matrix product: inner dimensions \(k) and \(kb) differ")
        var out = Matrix(rows: m, cols: n)
        storage.withUnsafeBufferPointer { a in
            other.storage.withUnsafeBufferPointer { b in
                out.storage.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(transposeSelf, transposeOther, m: m, n: n, k: k, a: a.baseAddress!, lda: cols,
                               b: b.baseAddress!, ldb: other.cols, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }
}
