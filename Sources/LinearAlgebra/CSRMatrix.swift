/// A sparse matrix in compressed sparse row form: the non-zeros of row i are
/// `values[rowPointers[i]..<rowPointers[i+1]]` at columns `columnIndices[...]` (ascending).
public struct CSRMatrix: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    /// `rows + 1` offsets into `columnIndices` and `values`.
    public var rowPointers: [Int]
    public var columnIndices: [Int32]
    public var values: [Float]

    /// A CSR matrix from its three arrays; checks their shape (not the column order).
    public init(rows: Int, cols: Int, rowPointers: [Int], columnIndices: [Int32], values: [Float]) {
        precondition(rowPointers.count == rows + 1, "CSR needs rows + 1 row pointers")
        precondition(columnIndices.count == values.count && rowPointers.last == values.count,
                     "CSR index and value arrays disagree")
        self.rows = rows
        self.cols = cols
        self.rowPointers = rowPointers
        self.columnIndices = columnIndices
        self.values = values
    }

    /// An empty `0 × cols` matrix.
    public init(cols: Int) {
        self.init(rows: 0, cols: cols, rowPointers: [0], columnIndices: [], values: [])
    }

    /// Builds the CSR form of a dense matrix, keeping its non-zeros.
    public init(dense: Matrix) {
        var pointers = [0]
        var indices: [Int32] = []
        var values: [Float] = []
        for i in 0..<dense.rows {
            for j in 0..<dense.cols where dense[i, j] != 0 {
                indices.append(Int32(j))
                values.append(dense[i, j])
            }
            pointers.append(values.count)
        }
        self.init(rows: dense.rows, cols: dense.cols, rowPointers: pointers, columnIndices: indices, values: values)
    }

    /// The number of stored non-zeros.
    public var nonZeroCount: Int { values.count }

    /// The number of non-zeros in row `i`.
    public func nonZeros(inRow i: Int) -> Int { rowPointers[i + 1] - rowPointers[i] }

    /// The rows at `indices`, in that order.
    public func gatherRows(_ indices: [Int]) -> CSRMatrix {
        var pointers = [0]
        pointers.reserveCapacity(indices.count + 1)
        var cols: [Int32] = []
        var vals: [Float] = []
        for i in indices {
            let range = rowPointers[i]..<rowPointers[i + 1]
            cols.append(contentsOf: columnIndices[range])
            vals.append(contentsOf: values[range])
            pointers.append(vals.count)
        }
        return CSRMatrix(rows: indices.count, cols: self.cols, rowPointers: pointers, columnIndices: cols, values: vals)
    }

    /// Rows `range` as a new matrix.
    public func rows(_ range: Range<Int>) -> CSRMatrix {
        let base = rowPointers[range.lowerBound]
        let end = rowPointers[range.upperBound]
        return CSRMatrix(rows: range.count, cols: cols,
                         rowPointers: rowPointers[range.lowerBound...range.upperBound].map { $0 - base },
                         columnIndices: Array(columnIndices[base..<end]), values: Array(values[base..<end]))
    }

    /// The dense form.
    public func densified() -> Matrix {
        var out = Matrix(rows: rows, cols: cols)
        for i in 0..<rows {
            for k in rowPointers[i]..<rowPointers[i + 1] { out[i, Int(columnIndices[k])] = values[k] }
        }
        return out
    }

    /// Stacks `parts` vertically (all with the same column count).
    public static func vstack(_ parts: [CSRMatrix], cols: Int) -> CSRMatrix {
        var pointers = [0]
        var indices: [Int32] = []
        var values: [Float] = []
        for part in parts {
            precondition(part.cols == cols, "vstack: column counts differ")
            let base = values.count
            pointers.append(contentsOf: part.rowPointers.dropFirst().map { $0 + base })
            indices.append(contentsOf: part.columnIndices)
            values.append(contentsOf: part.values)
        }
        return CSRMatrix(rows: pointers.count - 1, cols: cols, rowPointers: pointers, columnIndices: indices, values: values)
    }
}
