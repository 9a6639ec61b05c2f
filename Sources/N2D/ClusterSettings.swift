import Clustering

/// What the cluster stage runs (the `n2d-mpi cluster` flags; defaults are the reference pipeline's).
public struct ClusterSettings: Codable, Sendable, Equatable {
    /// DBSCAN's radius: a given value, or chosen at the knee of the k-distance curve.
    public enum Eps: Sendable, Equatable {
        case fixed(Float)
        case auto
    }

    public var dbscanEps: Eps = .fixed(1)
    public var dbscanMinSamples = 50
    public var kmeansClusters = 5
    public var kmeansInitializations = 10
    /// Gaussian mixture components; 0 skips the mixture.
    public var gmmComponents = 0
    public var seed: UInt64 = 13
    /// Rows the silhouette is computed on (a seeded sample above this).
    public var silhouetteSample = 10_000

    public init() {}
}

/// Encoded as the number or the string "auto", as the flag is written.
extension ClusterSettings.Eps: Codable, CustomStringConvertible {
    public init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let text = try? single.decode(String.self) {
            guard let eps = ClusterSettings.Eps(text) else {
                throw DecodingError.dataCorruptedError(in: single, debugDescription: "dbscan eps must be a positive number or 'auto' (got '\(text)')")
            }
            self = eps
        } else {
            self = .fixed(try single.decode(Float.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .auto: try single.encode("auto")
        case .fixed(let eps): try single.encode(eps)
        }
    }

    /// Parses `auto` or a finite number (the `--dbscan-eps` syntax).
    public init?(_ text: String) {
        if text.lowercased() == "auto" { self = .auto; return }
        guard let number = Float(text), number.isFinite else { return nil }
        self = .fixed(number)
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .fixed(let eps): return eps == eps.rounded() ? String(Int(eps)) : String(eps)
        }
    }
}
