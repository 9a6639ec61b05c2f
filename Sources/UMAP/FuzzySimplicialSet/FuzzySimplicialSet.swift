import LinearAlgebra

/// The symmetric fuzzy graph of UMAP: the fuzzy union W = A + Aᵀ − A∘Aᵀ of the directed membership
/// matrix A (one row per point, its k neighbours). Stored as CSR with ascending columns and no zeros.
public struct FuzzySimplicialSet: Equatable, Sendable {
    public let graph: CSRMatrix

    /// The union of the directed memberships of all N points: row i of A has `indices[i*k ..< (i+1)*k]`
    /// with weights `memberships[...]` (zeros, e.g. the point itself, are dropped).
    public init(indices: [Int32], memberships: [Float], rows n: Int, k: Int) {
        precondition(indices.count == n * k && memberships.count == n * k, "fuzzy set needs N × k indices and weights")
        let directed = FuzzySimplicialSet.sortedRows(indices: indices, weights: memberships, rows: n, k: k)
        let transposed = FuzzySimplicialSet.transpose(directed)
        graph = FuzzySimplicialSet.union(directed, transposed)
    }

    /// A as CSR, each row's columns ascending, zeros dropped.
    static func sortedRows(indices: [Int32], weights: [Float], rows n: Int, k: Int) -> CSRMatrix {
        var pointers = [Int](repeating: 0, count: n + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        columns.reserveCapacity(n * k)
        values.reserveCapacity(n * k)
        var order = [Int](repeating: 0, count: k)
        for i in 0..<n {
            for j in 0..<k { order[j] = i * k + j }
            order.sort { indices[$0] < indices[$1] }
            for s in order where weights[s] > 0 {
                columns.append(indices[s])
                values.append(weights[s])
            }
            pointers[i + 1] = values.count
        }
        return CSRMatrix(rows: n, cols: n, rowPointers: pointers, columnIndices: columns, values: values)
    }

    /// Aᵀ by counting sort (rows of the result come out with ascending columns).
    static func transpose(_ a: CSRMatrix) -> CSRMatrix {
        var pointers = [Int](repeating: 0, count: a.cols + 1)
        for c in a.columnIndices { pointers[Int(c) + 1] += 1 }
        for i in 0..<a.cols { pointers[i + 1] += pointers[i] }
        var next = pointers
        var columns = [Int32](repeating: 0, count: a.nonZeroCount)
        var values = [Float](repeating: 0, count: a.nonZeroCount)
        for i in 0..<a.rows {
            for s in a.rowPointers[i]..<a.rowPointers[i + 1] {
                let c = Int(a.columnIndices[s])
                columns[next[c]] = Int32(i)
                values[next[c]] = a.values[s]
                next[c] += 1
            }
        }
        return CSRMatrix(rows: a.cols, cols: a.rows, rowPointers: pointers, columnIndices: columns, values: values)
    }

    /// a + b − a∘b, row by row, merging the ascending columns.
    static func union(_ a: CSRMatrix, _ b: CSRMatrix) -> CSRMatrix {
        var pointers = [Int](repeating: 0, count: a.rows + 1)
        var columns: [Int32] = []
        var values: [Float] = []
        columns.reserveCapacity(a.nonZeroCount * 2)
        values.reserveCapacity(a.nonZeroCount * 2)
        for i in 0..<a.rows {
            var p = a.rowPointers[i], q = b.rowPointers[i]
            let pEnd = a.rowPointers[i + 1], qEnd = b.rowPointers[i + 1]
            while p < pEnd || q < qEnd {
                let cp = p < pEnd ? a.columnIndices[p] : Int32.max
                let cq = q < qEnd ? b.columnIndices[q] : Int32.max
                let x: Float = cp <= cq ? a.values[p] : 0
                let y: Float = cq <= cp ? b.values[q] : 0
                columns.append(min(cp, cq))
                values.append(x + y - x * y)
                if cp <= cq { p += 1 }
                if cq <= cp { q += 1 }
            }
            pointers[i + 1] = values.count
        }
        return CSRMatrix(rows: a.rows, cols: a.cols, rowPointers: pointers, columnIndices: columns, values: values)
    }
}
