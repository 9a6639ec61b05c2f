import LinearAlgebra
import Storage

/// What a reader did with one input.
public enum FuzzOutcome: CustomStringConvertible {
    case accepted
    case refused(String)

    public var description: String {
        switch self {
        case .accepted: return "accepted"
        case .refused(let message): return "refused: \(message)"
        }
    }
}

/// A file reader under fuzzing: valid seed inputs and the call that parses bytes.
public struct FuzzTarget {
    public let seeds: () -> [[UInt8]]
    public let parse: ([UInt8]) throws -> Void

    /// Runs the reader on `bytes`, turning a thrown error into `.refused`.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        do {
            try parse(bytes)
            return .accepted
        } catch {
            return .refused("\(error)")
        }
    }

    /// Every fuzzed reader, by name.
    public static let all: [String: FuzzTarget] = [
        "npy": FuzzTarget(
            seeds: {
                [NPY.encode(Matrix(rows: 3, cols: 4, storage: (0..<12).map(Float.init))),
                 NPY.encode(Matrix(rows: 1, cols: 1, storage: [2.5])),
                 NPY.encode([1, 2, 3, 4], shape: [2, 2])]
            },
            parse: { _ = try NPY.decodeMatrix($0, path: "fuzz.npy") }),
    ]
}
