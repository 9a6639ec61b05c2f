import Collectives
import Datasets
import Foundation
import Storage

/// True class labels for scoring a clustering, one per embedding row, read from a file:
///
/// - a `.csv` file with a header line: the column `true_label` (or `label`, else the last column)
///   gives the labels, and a `source_id` column, when present, the source ids;
/// - any other file: one label per line (an integer or any text; a trailing empty line is ignored).
///
/// Labels are compared as text; two rows are in the same class when their labels are equal.
public struct TrueLabels: Sendable, Equatable {
    public var labels: [String]
    public var sourceIDs: [String]?
    /// The file they came from.
    public var path: String

    /// The names of optional label files that earlier stages may leave in an output directory, in
    /// the order they are looked for.
    public static let outputDirectoryNames = ["true_labels.csv", "labels.txt"]

    public init(labels: [String], sourceIDs: [String]? = nil, path: String) {
        self.labels = labels
        self.sourceIDs = sourceIDs
        self.path = path
    }

    /// Class numbers (0, 1, …) in order of first appearance.
    public var codes: [Int] {
        var seen: [String: Int] = [:]
        return labels.map { label in
            if let code = seen[label] { return code }
            seen[label] = seen.count
            return seen.count - 1
        }
    }

    /// Reads `path`; `rows` is the number of embedding rows it must match.
    public static func read(path: String, rows: Int) throws -> TrueLabels {
        try InputFile.check(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, problem: "cannot read the labels file (missing or unreadable)")
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        var result: TrueLabels
        if path.lowercased().hasSuffix(".csv") {
            result = try readCSV(lines, path: path)
        } else {
            if let blank = lines.firstIndex(of: "") {
                throw FileError(path: path, problem: "line \(blank + 1) is empty; give one label per line")
            }
            result = TrueLabels(labels: lines, path: path)
        }
        guard result.labels.count == rows else {
            throw FileError(path: path, problem: "holds \(result.labels.count) labels but the embedding has \(rows) rows; give one label per row, in row order")
        }
        return result
    }

    /// The first of `outputDirectoryNames` present in `directory`, read; nil when there is none.
    public static func find(inOutputDirectory directory: String, rows: Int) throws -> TrueLabels? {
        for name in outputDirectoryNames {
            let path = directory + "/" + name
            if FileManager.default.fileExists(atPath: path) { return try read(path: path, rows: rows) }
        }
        return nil
    }

    private static func readCSV(_ lines: [String], path: String) throws -> TrueLabels {
        guard let headerLine = lines.first else { throw FileError(path: path, problem: "is empty; expected a header line and one row per embedding row") }
        let header = try CSVLine.fields(headerLine, path: path, line: 1)
        let labelColumn = header.firstIndex(of: "true_label") ?? header.firstIndex(of: "label") ?? header.count - 1
        let idColumn = header.firstIndex(of: "source_id")
        var labels: [String] = [], ids: [String] = []
        labels.reserveCapacity(lines.count)
        for (n, line) in lines.enumerated().dropFirst() {
            let fields = try CSVLine.fields(line, path: path, line: n + 1)
            guard fields.count == header.count else {
                throw FileError(path: path, problem: "line \(n + 1) has \(fields.count) fields, the header \(header.count)")
            }
            labels.append(fields[labelColumn])
            if let idColumn { ids.append(fields[idColumn]) }
        }
        return TrueLabels(labels: labels, sourceIDs: idColumn == nil ? nil : ids, path: path)
    }
}

/// One line of RFC 4180 CSV: fields split on commas, double quotes around fields that hold commas
/// or quotes, "" for a quote inside them.
enum CSVLine {
    static func fields(_ line: String, path: String, line number: Int) throws -> [String] {
        var fields: [String] = [], current = "", quoted = false, inField = false
        var characters = line.makeIterator()
        while let c = characters.next() {
            if quoted {
                if c == "\"" {
                    var lookahead = characters
                    if lookahead.next() == "\"" { current.append("\""); characters = lookahead } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "," {
                fields.append(current); current = ""; inField = false
            } else if c == "\"" && !inField {
                quoted = true; inField = true
            } else {
                current.append(c); inField = true
            }
        }
        guard !quoted else { throw FileError(path: path, problem: "line \(number) has an unterminated quoted field") }
        fields.append(current)
        return fields
    }

    /// `text` as a CSV field, quoted when it holds a comma, quote or line break.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension TrueLabels {
    /// Writes `true_labels.csv` (source_id, true_label) for the training rows when the input has
    /// labels, so `n2d-mpi cluster` can score a re-clustering without the input. A collective.
    static func record(_ shard: DatasetShard, directory: String, world: Communicator) throws {
        let labelled = world.allreduce(shard.training.labels == nil ? 0 : 1, op: .min) == 1
        guard labelled else { return }
        let codes = world.gather(shard.training.labels!.map(Int64.init), root: 0)
        let ids = world.gather(shard.training.sourceRows.map(Int64.init), root: 0)
        try world.agreeing("write true labels") {
            guard let codes, let ids else { return }
            var text = "source_id,true_label\n"
            for (id, code) in zip(ids, codes) {
                let name = Int(code) < shard.labelNames.count ? shard.labelNames[Int(code)] : String(code)
                text += "\(id),\(CSVLine.escape(name))\n"
            }
            try AtomicFile.write(text, to: directory + "/" + outputDirectoryNames[0])
        }
    }
}
