import Foundation
import Storage

/// `metrics.json` in the output directory: one top-level section per stage ("vectorize", "train",
/// "embed", "cluster", "run"), each replaced whole by the stage that owns it, so a re-run stage
/// updates its numbers without touching the others. Written atomically by rank 0.
public enum MetricsFile {
    public static let name = "metrics.json"

    /// Replaces `section` in `directory/metrics.json` with `value` (JSON-serialisable: dictionaries,
    /// arrays, strings, numbers, booleans, NSNull), keeping the other sections.
    public static func update(directory: String, section: String, value: Any) throws {
        let path = directory + "/" + name
        var document = (try? read(directory: directory)) ?? [:]
        document[section] = value
        let data = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(Array(data) + [10], to: path)
    }

    /// The whole document, or an empty one when there is no file yet.
    public static func read(directory: String) throws -> [String: Any] {
        let path = directory + "/" + name
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FileError(path: path, problem: "is not a JSON object; delete it or choose another --output-dir")
        }
        return object
    }
}
