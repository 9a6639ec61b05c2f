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

    /// The rows at `indices`, in that order, in the same representation.
    public func gatherRows(_ indices: [Int]) -> FeatureMatrix {
        switch self {
        case .sparse(let m): return .sparse(m.gatherRows(indices))
        case .dense(let m): return .dense(m.gatherRows(indices))
        }
    }
}
