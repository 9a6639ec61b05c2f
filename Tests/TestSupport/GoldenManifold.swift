import Foundation

/// `../shared/golden/manifold`: scikit-learn's and umap-learn's results on fixed data (its README).
public enum GoldenManifold {
    public static func url(_ name: String) -> URL { TestPaths.golden("manifold/\(name)") }

    /// `values.json`, parsed.
    public static func values() throws -> [String: Any] {
        let data = try Data(contentsOf: url("values.json"))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return object
    }

    /// The number at `path` (keys from the top) in `values.json`.
    public static func value(_ path: String...) throws -> Double {
        var node: Any = try values()
        for key in path {
            guard let next = (node as? [String: Any])?[key] else { throw CocoaError(.fileReadCorruptFile) }
            node = next
        }
        guard let number = node as? NSNumber else { throw CocoaError(.fileReadCorruptFile) }
        return number.doubleValue
    }

    /// A 1-d little-endian int64 `.npy` (the label files), as Ints.
    public static func labels(_ name: String) throws -> [Int] {
        let bytes = Array(try Data(contentsOf: url(name)))
        guard bytes.count > 10, String(decoding: bytes[1..<6], as: UTF8.self) == "NUMPY" else { throw CocoaError(.fileReadCorruptFile) }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        guard String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self).contains("'<i8'") else { throw CocoaError(.fileReadCorruptFile) }
        return bytes[(10 + headerLength)...].withUnsafeBytes { raw in
            (0..<raw.count / 8).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self))) }
        }
    }
}
