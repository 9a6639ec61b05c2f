/// Input features: sparse counts (text) or dense values (images, numeric matrices).
public enum FeatureMatrix: Equatable, Sendable {
    case sparse(CSRMatrix)
    case dense(Matrix)

    public var rows: Int {
        switch self { case .sparse(let m): return m.rows; case .dense(let m): return m.rows }
    }

    public var cols: Int {
        switch self { case .sparse(let m): return m.cols; case .dense(let m): return m.cols }
    }

    /// True for sparse counts.
    public var isSparse: Bool {
        if case .sparse = self { return true }
        return false
    }

    /// A `total`-row matrix of the same kind holding the rows at `indices` from row `offset` on,
    /// every other row zero (empty).
    public func padded(rows indices: [Int], at offset: Int, to total: Int) -> FeatureMatrix {
        precondition(offset >= 0 && offset + indices.count <= total, "the rows do not fit")
        switch self {
        case .dense(let m):
            var storage = [Float](repeating: 0, count: total * m.cols)
            for (k, i) in indices.enumerated() {
                storage.replaceSubrange((offset + k) * m.cols..<(offset + k + 1) * m.cols, with: m.storage[i * m.cols..<(i + 1) * m.cols])
            }
            return .dense(Matrix(rows: total, cols: m.cols, storage: storage))
        case .sparse(let m):
            let picked = m.gatherRows(indices)
            var pointers = [Int](repeating: 0, count: offset + 1)
            pointers += picked.rowPointers.dropFirst()
            pointers += [Int](repeating: picked.rowPointers.last ?? 0, count: total - offset - indices.count)
            return .sparse(CSRMatrix(rows: total, cols: m.cols, rowPointers: pointers, columnIndices: picked.columnIndices,
                                     values: picked.values))
        }
    }

    /// The rows at `indices`, in that order, in the same representation.
    public func gatherRows(_ indices: [Int]) -> FeatureMatrix {
        switch self {
        case .sparse(let m): return .sparse(m.gatherRows(indices))
        case .dense(let m): return .dense(m.gatherRows(indices))
        }
    }
}
