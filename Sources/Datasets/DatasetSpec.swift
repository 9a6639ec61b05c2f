/// The input formats n2d-mpi reads.
public enum DataFormat: String, Codable, CaseIterable, Sendable {
    /// A CSV whose text column holds documents (reviews): cleaned, tokenized, counted (sparse rows).
    case textCSV = "text-csv"
    /// A CSV of numbers, one row per sample, with an optional label column (dense rows).
    case numericCSV = "numeric-csv"
    /// IDX images or vectors (MNIST / Fashion-MNIST), gzip-compressed or plain, scaled to [0, 1].
    case idx
    /// A NumPy `.npy` float32/float64 array, 1-d or 2-d, C order.
    case npy

    /// The format a file name implies: `.npy`; IDX for `…-ubyte`, `….idx` or `…-idxN…`, plain or
    /// `.gz`; text CSV for `.csv`. Numeric CSV must be asked for; compressed CSV is not read.
    public static func inferred(fromPath path: String) -> DataFormat? {
        let name = path.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        if name.hasSuffix(".npy") { return .npy }
        if name.hasSuffix(".csv") { return .textCSV }
        let base = name.hasSuffix(".gz") ? String(name.dropLast(3)) : name
        if base.hasSuffix("-ubyte") || base.hasSuffix(".idx") || base.contains("-idx") { return .idx }
        return nil
    }
}

/// Which CSV column holds the labels.
public enum LabelColumn: Equatable, Sendable {
    /// No labels.
    case none
    /// This column, when the header has it (no labels otherwise).
    case ifPresent(String)
    /// This column; an error when the header lacks it.
    case required(String)
}

/// Encoded as `{"column": "sentiment", "required": false}`, or `null` for no labels.
extension LabelColumn: Codable {
    private enum Keys: String, CodingKey { case column, required }

    public init(from decoder: Decoder) throws {
        if try decoder.singleValueContainer().decodeNil() { self = .none; return }
        let keyed = try decoder.container(keyedBy: Keys.self)
        let column = try keyed.decode(String.self, forKey: .column)
        self = try keyed.decode(Bool.self, forKey: .required) ? .required(column) : .ifPresent(column)
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .none:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .ifPresent(let column), .required(let column):
            var keyed = encoder.container(keyedBy: Keys.self)
            try keyed.encode(column, forKey: .column)
            try keyed.encode(self == .required(column), forKey: .required)
        }
    }
}

/// What to load and how to split it. Every format is split the same way: the seeded
/// scikit-learn-compatible split of the first `maxRows` rows; `testSize` 0 trains on every row.
/// Several files of one format are read as one input, their rows concatenated in the order given.
public struct DatasetSpec: Codable, Equatable, Sendable {
    /// The input files, read in this order as one table (usually one file).
    public var paths: [String]
    /// nil: inferred from the file names (see `DataFormat.inferred(fromPath:)`).
    public var format: DataFormat?
    /// Text CSV: the column with the documents.
    public var textColumn: String
    /// Text and numeric CSV: the label column.
    public var labelColumn: LabelColumn
    /// Text: the vocabulary size (terms of highest corpus count).
    public var maxFeatures: Int
    /// The share of rows held out as the test part, in [0, 1).
    public var testSize: Double
    public var seed: UInt32
    /// The validation set: the first `validationRows` rows of the test part.
    public var validationRows: Int
    /// Read only the first `maxRows` rows of the input (over the files in order, before splitting);
    /// nil reads all.
    public var maxRows: Int?

    public init(paths: [String], format: DataFormat? = nil, textColumn: String = "review",
                labelColumn: LabelColumn = .ifPresent("sentiment"), maxFeatures: Int = 5000,
                testSize: Double = 0.5, seed: UInt32 = 13, validationRows: Int = 2000, maxRows: Int? = nil) {
        self.paths = paths
        self.format = format
        self.textColumn = textColumn
        self.labelColumn = labelColumn
        self.maxFeatures = maxFeatures
        self.testSize = testSize
        self.seed = seed
        self.validationRows = validationRows
        self.maxRows = maxRows
    }

    /// One input file.
    public init(path: String, format: DataFormat? = nil, textColumn: String = "review",
                labelColumn: LabelColumn = .ifPresent("sentiment"), maxFeatures: Int = 5000,
                testSize: Double = 0.5, seed: UInt32 = 13, validationRows: Int = 2000, maxRows: Int? = nil) {
        self.init(paths: [path], format: format, textColumn: textColumn, labelColumn: labelColumn, maxFeatures: maxFeatures,
                  testSize: testSize, seed: seed, validationRows: validationRows, maxRows: maxRows)
    }

    /// The input as messages and summaries name it: its file, or its files joined by " + ".
    public var inputName: String { paths.joined(separator: " + ") }

    /// The format the file names imply when they all imply the same one; nil otherwise.
    public var inferredFormat: DataFormat? {
        let formats = Set(paths.map(DataFormat.inferred(fromPath:)))
        return formats.count == 1 ? formats.first! : nil
    }

    /// The format to read: the explicit one, else the one the file names imply.
    public func resolvedFormat() throws -> DataFormat {
        if let format { return format }
        guard !paths.isEmpty else { throw DatasetError("no input file given; pass --input") }
        if let inferred = inferredFormat { return inferred }
        let names = DataFormat.allCases.map(\.rawValue).joined(separator: ", ")
        if let unknown = paths.first(where: { DataFormat.inferred(fromPath: $0) == nil }) {
            throw DatasetError("cannot tell the format of \(unknown) from its name; pass --format (one of \(names))")
        }
        let kinds = paths.map { "\($0) (\(DataFormat.inferred(fromPath: $0)!.rawValue))" }.joined(separator: ", ")
        throw DatasetError("the input files are of different formats: \(kinds); several --input files are concatenated and must be of one format")
    }

    private enum CodingKeys: String, CodingKey {
        case paths, format, textColumn, labelColumn, maxFeatures, testSize, seed, validationRows, maxRows
        /// Written before several input files were accepted: the one file.
        case path
    }

    /// Reads a spec written by this or an earlier n2d-mpi (whose spec held one `path`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let paths = try c.decodeIfPresent([String].self, forKey: .paths) {
            self.paths = paths
        } else {
            paths = [try c.decode(String.self, forKey: .path)]
        }
        format = try c.decodeIfPresent(DataFormat.self, forKey: .format)
        textColumn = try c.decode(String.self, forKey: .textColumn)
        labelColumn = try c.decode(LabelColumn.self, forKey: .labelColumn)
        maxFeatures = try c.decode(Int.self, forKey: .maxFeatures)
        testSize = try c.decode(Double.self, forKey: .testSize)
        seed = try c.decode(UInt32.self, forKey: .seed)
        validationRows = try c.decode(Int.self, forKey: .validationRows)
        maxRows = try c.decodeIfPresent(Int.self, forKey: .maxRows)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(paths, forKey: .paths)
        try c.encodeIfPresent(format, forKey: .format)
        try c.encode(textColumn, forKey: .textColumn)
        try c.encode(labelColumn, forKey: .labelColumn)
        try c.encode(maxFeatures, forKey: .maxFeatures)
        try c.encode(testSize, forKey: .testSize)
        try c.encode(seed, forKey: .seed)
        try c.encode(validationRows, forKey: .validationRows)
        try c.encodeIfPresent(maxRows, forKey: .maxRows)
    }
}

/// A problem with the input as a whole (not tied to one line of a file).
public struct DatasetError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
