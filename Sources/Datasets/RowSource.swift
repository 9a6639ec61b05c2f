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
    /// Whether the rows come with labels.
    var hasLabels: Bool { get }
    /// The width of a numeric row; nil for text.
    var columns: Int? { get }
    /// The rows at `rows` (file row indices), in that order, with their label strings when the
    /// input has labels.
    func read(_ rows: [Int]) throws -> RowsRead
}

/// Several inputs of one format read as one: their rows concatenated in order. Every part must
/// have labels or none must, and numeric parts must be equally wide (checked when opened).
struct ConcatenatedSource: RowSource {
    let parts: [RowSource]
    /// Where each part's rows start in the whole.
    let offsets: [Int]
    let rowCount: Int

    /// `parts` with the file each was read from, for the errors.
    init(_ parts: [(path: String, source: RowSource)]) throws {
        let (firstPath, first) = parts[0]
        for (path, part) in parts.dropFirst() {
            if part.hasLabels != first.hasLabels {
                let (with, without) = first.hasLabels ? (firstPath, path) : (path, firstPath)
                throw DatasetError("\(with) has labels but \(without) has none; the files given together must all have labels (or pass --no-labels)")
            }
            if let width = part.columns, let expected = first.columns, width != expected {
                throw DatasetError("\(path) has \(width) columns per row, but \(firstPath) has \(expected); the files given together must be equally wide")
            }
        }
        self.parts = parts.map(\.source)
        var offsets: [Int] = []
        var total = 0
        for part in self.parts {
            offsets.append(total)
            total += part.rowCount
        }
        self.offsets = offsets
        rowCount = total
    }

    var hasLabels: Bool { parts[0].hasLabels }
    var columns: Int? { parts[0].columns }

    func read(_ rows: [Int]) throws -> RowsRead {
        // Each part reads the requested rows it holds; they are put back in the requested order.
        var positions = [[Int]](repeating: [], count: parts.count)
        var local = [[Int]](repeating: [], count: parts.count)
        for (position, row) in rows.enumerated() {
            let part = offsets.lastIndex { $0 <= row }!
            positions[part].append(position)
            local[part].append(row - offsets[part])
        }
        let reads = try parts.indices.map { try parts[$0].read(local[$0]) }
        var labels: [String]? = hasLabels ? [String](repeating: "", count: rows.count) : nil
        for (part, read) in reads.enumerated() {
            for (k, position) in positions[part].enumerated() { labels?[position] = read.labels![k] }
        }
        switch reads[0].rows {
        case .dense(let firstMatrix):
            var matrix = Matrix(rows: rows.count, cols: firstMatrix.cols)
            for (part, read) in reads.enumerated() {
                guard case .dense(let m) = read.rows else { preconditionFailure("the parts are of one format") }
                let cols = m.cols
                for (k, position) in positions[part].enumerated() {
                    matrix.storage[position * cols..<(position + 1) * cols] = m.storage[k * cols..<(k + 1) * cols]
                }
            }
            return (.dense(matrix), labels)
        case .text:
            var texts = [[UInt8]](repeating: [], count: rows.count)
            var replacements = 0
            for (part, read) in reads.enumerated() {
                guard case .text(let partTexts, let partReplacements) = read.rows else { preconditionFailure("the parts are of one format") }
                replacements += partReplacements
                for (k, position) in positions[part].enumerated() { texts[position] = partTexts[k] }
            }
            return (.text(texts, replacements: replacements), labels)
        }
    }
}
