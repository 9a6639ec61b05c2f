import Foundation
import LinearAlgebra
import TextFeatures

/// A CSV of numbers with a header; every column but the label column is a feature.
struct NumericCSVSource: RowSource {
    let index: CSVIndex
    let labelColumn: Int?
    let featureColumns: [Int]

    init(path: String, spec: DatasetSpec, maxRows: Int?) throws {
        index = try CSVIndex(path: path, maxRecords: maxRows)
        let label = try resolveLabelColumn(spec.labelColumn, in: index)
        labelColumn = label
        featureColumns = index.columns.indices.filter { $0 != label }
        guard !featureColumns.isEmpty else {
            throw CSVError(path: path, line: 1, problem: "no feature columns besides the label column")
        }
    }

    var rowCount: Int { index.records.count }
    var hasLabels: Bool { labelColumn != nil }
    var columns: Int? { featureColumns.count }

    func read(_ rows: [Int]) throws -> RowsRead {
        var matrix = Matrix(rows: rows.count, cols: featureColumns.count)
        var labels = labelColumn.map { _ in [String](repeating: "", count: rows.count) }
        try index.readRecords(rows) { position, record, fields in
            for (j, column) in featureColumns.enumerated() {
                let text = String(decoding: fields[column], as: UTF8.self).trimmingCharacters(in: .whitespaces)
                guard let value = Double(text) else {
                    throw CSVError(path: index.path, line: Int(record.line),
                                   problem: "column '\(index.columns[column])': '\(text)' is not a number")
                }
                guard value.isFinite else {
                    throw CSVError(path: index.path, line: Int(record.line),
                                   problem: "column '\(index.columns[column])' is \(text) (NaN or infinite values are not accepted)")
                }
                matrix[position, j] = Float(value)
            }
            if let labelColumn { labels![position] = String(decoding: fields[labelColumn], as: UTF8.self) }
        }
        return (.dense(matrix), labels)
    }
}
