import Foundation
import Storage

/// Records which configuration produced each stage's artifacts (`stages.json` in the output
/// directory), so `run` can skip a stage whose artifacts already match and the stage subcommands
/// can check that what they read belongs to the configuration they were given.
///
/// A stage's fingerprint hashes its own parameters and the fingerprint of the stage it reads from,
/// so changing the vocabulary size invalidates training, embedding and clustering, while changing
/// DBSCAN's eps invalidates only clustering.
public struct StageLedger {
    public static let fileName = "stages.json"
    public let directory: String
    private var entries: [String: String]

    /// Reads the ledger of `directory` (empty when there is none or it is unreadable).
    public init(directory: String) {
        self.directory = directory
        let path = directory + "/" + StageLedger.fileName
        if let data = FileManager.default.contents(atPath: path),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] {
            entries = object
        } else {
            entries = [:]
        }
    }

    /// The fingerprint recorded for `stage`, if any.
    public func fingerprint(of stage: String) -> String? { entries[stage] }

    /// True when `stage` was produced with `fingerprint` and every file in `artifacts` (names in the
    /// directory) exists.
    public func isCurrent(_ stage: String, fingerprint: String, artifacts: [String]) -> Bool {
        entries[stage] == fingerprint
            && artifacts.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// Records that `stage` now holds artifacts of `fingerprint`, and forgets every stage in
    /// `invalidated` (the stages downstream of it). Written atomically.
    public mutating func record(_ stage: String, fingerprint: String, invalidating invalidated: [String] = []) throws {
        entries[stage] = fingerprint
        for name in invalidated { entries[name] = nil }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(Array(data) + [10], to: directory + "/" + StageLedger.fileName)
    }

    /// A stable fingerprint of `parameters` (encoded as sorted-key JSON) and `upstream`.
    public static func fingerprint<P: Encodable>(_ parameters: P, upstream: String? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var bytes = Array((try? encoder.encode(parameters)) ?? Data())
        bytes += Array((upstream ?? "").utf8)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
