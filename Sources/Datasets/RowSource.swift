import LinearAlgebra

/// Rows read from an input, before features are built.
enum RawRows {
    /// Numeric rows, one per requested row.
    case dense(Matrix)
    /// Document texts as valid UTF-8, with the number of invalid sequences replaced.
    case text([[UInt8]], replacements: Int)
}

/// Rows read from an input and their label strings (nil when the input has no labels).
typealias RowsRead = (rows: RawRows, labels: [String]?)

/// An opened input: how many rows it has, and the rows a rank asks for by file row index.
protocol RowSource {
    /// Rows available (after `maxRows`).
    var rowCount: Int { get }
    /// The rows at `rows` (file row indices), in that order, with their label strings when the
    /// input has labels.
    func read(_ rows: [Int]) throws -> RowsRead
}
