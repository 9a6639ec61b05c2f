/// A problem in a CSV file, naming the file and the (1-based, physical) line where it starts.
public struct CSVError: Error, CustomStringConvertible, Sendable {
    public let path: String
    /// The physical line (1-based) the problem starts on; nil for whole-file problems.
    public let line: Int?
    public let problem: String

    public init(path: String, line: Int?, problem: String) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String {
        if let line { return "\(path), line \(line): \(problem)" }
        return "\(path): \(problem)"
    }
}
