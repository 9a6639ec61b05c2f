import TextFeatures

/// A CSV with a text column (and optionally a label column).
struct TextCSVSource: RowSource {
    let index: CSVIndex
    let textColumn: Int
    let labelColumn: Int?

    init(path: String, spec: DatasetSpec, maxRows: Int?) throws {
        index = try CSVIndex(path: path, maxRecords: maxRows)
        textColumn = try index.column(named: spec.textColumn)
        labelColumn = try resolveLabelColumn(spec.labelColumn, in: index)
    }

    var rowCount: Int { index.records.count }
    var hasLabels: Bool { labelColumn != nil }
    var columns: Int? { nil }

    func read(_ rows: [Int]) throws -> RowsRead {
        var texts = [[UInt8]](repeating: [], count: rows.count)
        var labels = labelColumn.map { _ in [String](repeating: "", count: rows.count) }
        var replacements = 0
        try index.readRecords(rows) { position, _, fields in
            let repaired = UTF8Repair.repair(fields[textColumn])
            texts[position] = repaired.bytes
            replacements += repaired.replacements
            if let labelColumn { labels![position] = String(decoding: fields[labelColumn], as: UTF8.self) }
        }
        return (.text(texts, replacements: replacements), labels)
    }
}

/// The label column's index for `choice`, or nil.
func resolveLabelColumn(_ choice: LabelColumn, in index: CSVIndex) throws -> Int? {
    switch choice {
    case .none: return nil
    case .ifPresent(let name): return index.columns.firstIndex(of: name)
    case .required(let name): return try index.column(named: name)
    }
}
