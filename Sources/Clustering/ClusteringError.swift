/// A clustering request that cannot be carried out as asked (too few rows, a bad parameter, an
/// ill-conditioned mixture); the message says which parameter to change.
public struct ClusteringError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
