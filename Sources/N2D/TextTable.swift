import Foundation
/// A plain-text table with aligned columns, for summaries on stdout.
public struct TextTable {
    public var title: String?
    public var header: [String]
    public var rows: [[String]] = []

    public init(title: String? = nil, header: [String]) {
        self.title = title
        self.header = header
    }

    /// Appends a row (missing cells are blank).
    public mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as lines: title, header, a rule, rows. Numbers-looking cells align right.
    public func render() -> String {
        let all = [header] + rows
        let columns = all.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in all { for (j, cell) in row.enumerated() { widths[j] = max(widths[j], cell.count) } }
        func line(_ row: [String]) -> String {
            (0..<columns).map { j in
                let cell = j < row.count ? row[j] : ""
                let pad = String(repeating: " ", count: widths[j] - cell.count)
                return TextTable.looksNumeric(cell) && j > 0 ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out: [String] = []
        if let title { out.append(title) }
        out.append(line(header))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    static func looksNumeric(_ cell: String) -> Bool {
        !cell.isEmpty && cell.allSatisfy { "0123456789.-+e%×s".contains($0) }
    }
}

/// Fixed-point formatting without Foundation's locale.
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (abs(value) * scale).rounded() / scale
    let sign = value < 0 && rounded != 0 ? "-" : ""
    let whole = Int(rounded)
    guard digits > 0 else { return sign + String(whole) }
    let fraction = Int(((rounded - Double(whole)) * scale).rounded())
    let fractionText = String(fraction)
    return sign + String(whole) + "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
}
