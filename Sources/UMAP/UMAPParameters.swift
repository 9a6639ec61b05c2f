import Neighbors

/// Every setting of a UMAP run, in one place (defaults: N2D's IMDB job).
public struct UMAPParameters: Codable, Equatable, Sendable {
    /// Output dimensions.
    public var components = 5
    /// Neighbours per point, the point itself included (as umap-learn's `n_neighbors`).
    public var neighbors = 50
    /// Smallest distance between embedded points; shapes the curve 1 / (1 + a·d^{2b}).
    public var minDist: Float = 0
    /// Scale of the embedded clusters.
    public var spread: Float = 1
    /// Layout epochs; nil picks umap-learn's default: 200 above 10,000 rows, else 500.
    public var epochs: Int? = nil
    /// Input-space metric.
    public var metric: NeighborMetric = .euclidean
    /// How the kNN graph is computed.
    public var knn: KNNMethod = .auto
    /// Drives every random choice (trees, candidates, initialisation, negative samples).
    public var seed: UInt64 = 13
    /// Negative samples per positive sample.
    public var negativeSampleRate = 5
    /// Initial SGD step, decaying linearly to zero.
    public var learningRate: Float = 1

    public init() {}

    /// The epoch count for `rows` points.
    public func epochCount(rows: Int) -> Int { epochs ?? defaultEpochs(rows: rows) }

    /// umap-learn's default epoch count: 200 above 10,000 rows, else 500.
    public func defaultEpochs(rows: Int) -> Int { rows > 10_000 ? 200 : 500 }

    /// The epoch count that sets the pruning threshold max(w)/epochs: the run's own, or the default
    /// when the run has 10 epochs or fewer (as umap-learn, so short runs keep the graph whole).
    public func pruningEpochs(rows: Int) -> Int {
        let run = epochCount(rows: rows)
        return run > 10 ? run : defaultEpochs(rows: rows)
    }

    /// Throws a `UMAPError` naming the flag when these settings cannot run on any data.
    public func validate() throws {
        if components < 1 { throw UMAPError.invalid(flag: "--umap-components", "must be at least 1 (got \(components))") }
        if neighbors < 2 { throw UMAPError.invalid(flag: "--umap-neighbors", "must be at least 2 (got \(neighbors))") }
        if !(minDist >= 0) || !(spread > 0) || minDist > spread {
            throw UMAPError.invalid(flag: "--umap-min-dist", "must lie between 0 and the spread (\(spread)); got \(minDist)")
        }
        if let epochs, epochs < 1 { throw UMAPError.invalid(flag: "--umap-epochs", "must be at least 1 or auto (got \(epochs))") }
        if negativeSampleRate < 0 { throw UMAPError.invalid(flag: "negative sample rate", "must be non-negative") }
        if !(learningRate > 0) { throw UMAPError.invalid(flag: "learning rate", "must be positive") }
    }

    /// Throws a `UMAPError` naming the flag when these settings cannot run on `rows` points.
    public func validate(rows: Int) throws {
        try validate()
        if rows <= components + 1 {
            throw UMAPError.invalid(flag: "--codes", "has \(rows) rows; UMAP to \(components) dimensions needs more than \(components + 1)")
        }
        if neighbors > rows {
            throw UMAPError.invalid(flag: "--umap-neighbors", "is \(neighbors) but the data has only \(rows) rows; choose at most \(rows)")
        }
    }
}

/// A UMAP run that cannot start, with the setting to change.
public enum UMAPError: Error, CustomStringConvertible, Equatable {
    case invalid(flag: String, String)

    public var description: String {
        switch self {
        case let .invalid(flag, problem): return "\(flag) \(problem)"
        }
    }
}
