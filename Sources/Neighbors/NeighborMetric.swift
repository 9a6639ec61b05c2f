import LinearAlgebra

/// The dissimilarity a neighbour search ranks points by.
public enum NeighborMetric: String, Codable, CaseIterable, Sendable {
    /// Straight-line distance ‖x − y‖.
    case euclidean
    /// 1 − cos(x, y); a zero row is treated as pointing nowhere (distance 1 to everything).
    case cosine

    /// The rows a Euclidean search runs on: the data itself, or for cosine each row scaled to unit
    /// length (then ‖x − y‖² = 2 (1 − cos)).
    public func searchSpace(_ data: Matrix) -> Matrix {
        guard self == .cosine else { return data }
        var out = data
        let d = data.cols
        out.storage.withUnsafeMutableBufferPointer { p in
            for i in 0..<data.rows {
                let row = p.baseAddress! + i * d
                var norm: Float = 0
                for j in 0..<d { norm += row[j] * row[j] }
                guard norm > 0 else { continue }
                let scale = 1 / norm.squareRoot()
                for j in 0..<d { row[j] *= scale }
            }
        }
        return out
    }

    /// The reported distance for a squared Euclidean distance in the search space.
    @inlinable public func distance(fromSquared squared: Float) -> Float {
        let s = max(squared, 0)
        switch self {
        case .euclidean: return s.squareRoot()
        case .cosine: return s / 2
        }
    }
}
