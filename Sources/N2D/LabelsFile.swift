import Storage

/// `labels.csv`: one line per embedding row — `row,source_id,true_label,dbscan,kmeans,gmm` — with
/// empty cells for what the run did not produce (no source ids, no true labels, no mixture).
public enum LabelsFile {
    public static let name = "labels.csv"
    static let clusterers = ["dbscan", "kmeans", "gmm"]

    /// Writes the file atomically.
    static func write(_ report: ClusterReport, trueLabels: TrueLabels?, sourceIDs: [String]?, to path: String) throws {
        let columns = clusterers.map { name in report.outcomes.first { $0.name == name }?.labels }
        var text = "row,source_id,true_label," + clusterers.joined(separator: ",") + "\n"
        text.reserveCapacity(report.rows * 24)
        for row in 0..<report.rows {
            text += String(row) + ","
            text += (sourceIDs?[row]).map(CSVLine.escape) ?? ""
            text += ","
            text += (trueLabels?.labels[row]).map(CSVLine.escape) ?? ""
            for column in columns {
                text += ","
                if let column { text += String(column[row]) }
            }
            text += "\n"
        }
        try AtomicFile.write(text, to: path)
    }
}
