/// The element types that travel through collectives. Each carries a tag that the MPI implementation
/// maps to an `MPI_Datatype`; the local implementation never needs one.
public enum ScalarKind: Sendable {
    case float, double, int32, int64, byte
}

/// A fixed-size value that collectives can send, sum and compare.
public protocol CollectiveScalar: Comparable, Sendable {
    static var kind: ScalarKind { get }
    static var zero: Self { get }
    static func + (lhs: Self, rhs: Self) -> Self
}

extension Float: CollectiveScalar { public static var kind: ScalarKind { .float } }
extension Double: CollectiveScalar { public static var kind: ScalarKind { .double } }
extension Int32: CollectiveScalar { public static var kind: ScalarKind { .int32 } }
extension Int64: CollectiveScalar { public static var kind: ScalarKind { .int64 } }
extension UInt8: CollectiveScalar { public static var kind: ScalarKind { .byte } }

/// Element-wise reductions.
public enum ReduceOp: Sendable {
    case sum, max, min

    /// Combines two values the way the reduction does.
    @inlinable public func combine<T: CollectiveScalar>(_ a: T, _ b: T) -> T {
        switch self {
        case .sum: return a + b
        case .max: return Swift.max(a, b)
        case .min: return Swift.min(a, b)
        }
    }
}
