extension CSRMatrix {
    /// C ← self · B (+ C when `accumulate`), for a dense row-major B of `cols × n` given as a raw buffer
    /// with row stride `ldb`, into C (`rows × n`, stride `ldc`). Each non-zero adds a scaled row of B.
    public func multiply(denseB b: UnsafePointer<Float>, n: Int, ldb: Int, into c: UnsafeMutablePointer<Float>, ldc: Int,
                         accumulate: Bool = false) {
        rowPointers.withUnsafeBufferPointer { rp in
            columnIndices.withUnsafeBufferPointer { ci in
                values.withUnsafeBufferPointer { v in
                    for i in 0..<rows {
                        let out = c + i * ldc
                        if !accumulate { out.update(repeating: 0, count: n) }
                        for k in rp[i]..<rp[i + 1] {
                            let scale = v[k]
                            let src = b + Int(ci[k]) * ldb
                            for j in 0..<n { out[j] += scale * src[j] }
                        }
                    }
                }
            }
        }
    }

    /// The product `self · dense` as a new dense matrix.
    public func multiplied(by dense: Matrix) -> Matrix {
        precondition(cols == dense.rows, "CSR product: inner dimensions \(cols) and \(dense.rows) differ")
        var out = Matrix(rows: rows, cols: dense.cols)
        dense.storage.withUnsafeBufferPointer { b in
            out.storage.withUnsafeMutableBufferPointer { c in
                multiply(denseB: b.baseAddress!, n: dense.cols, ldb: dense.cols, into: c.baseAddress!, ldc: dense.cols)
            }
        }
        return out
    }
}
