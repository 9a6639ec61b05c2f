import Foundation
import LinearAlgebra
import Storage

/// `stages.json` in the output directory: which configuration produced each stage's artifacts, so
/// a run can skip a stage whose artifacts already match and every stage subcommand records what it
/// rewrote. Only `StageRunner` changes it.
///
/// A stage's fingerprint hashes its own settings and the fingerprint of what it read, so changing
/// the vocabulary size invalidates training, embedding and clustering, while changing DBSCAN's eps
/// invalidates only clustering.
struct StageLedger {
    static let fileName = "stages.json"
    let directory: String
    private var entries: [String: String]

    /// Reads the ledger of `directory` (empty when there is none or it is unreadable).
    init(directory: String) {
        self.directory = directory
        if let data = FileManager.default.contents(atPath: directory + "/" + StageLedger.fileName),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: String] {
            entries = object
        } else {
            entries = [:]
        }
    }

    /// The fingerprint recorded for `stage`, if any.
    func fingerprint(of stage: String) -> String? { entries[stage] }

    /// True when `stage` was produced with `fingerprint` and every file in `artifacts` (names in the
    /// directory) exists.
    func isCurrent(_ stage: String, fingerprint: String, artifacts: [String]) -> Bool {
        entries[stage] == fingerprint
            && artifacts.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// Records that `stage` now holds artifacts of `fingerprint` (nil: of nothing known) and forgets
    /// every stage in `invalidated`. Written atomically.
    mutating func record(_ stage: String, fingerprint: String?, invalidating invalidated: [String] = []) throws {
        entries[stage] = fingerprint
        for name in invalidated { entries[name] = nil }
        let data = try JSONSerialization.data(withJSONObject: entries, options: [.prettyPrinted, .sortedKeys])
        try AtomicFile.write(Array(data) + [10], to: directory + "/" + StageLedger.fileName)
    }

    /// Forgets `stages` (written atomically when the ledger held any of them).
    mutating func forget(_ stages: [String]) throws {
        guard stages.contains(where: { entries[$0] != nil }) else { return }
        try record(stages[0], fingerprint: nil, invalidating: Array(stages.dropFirst()))
    }

    /// A stable fingerprint of `settings` (their `JobConfiguration.encoder` bytes) and `upstream`.
    static func fingerprint(_ settings: any Encodable, upstream: String) -> String {
        hash(Array((try? JobConfiguration.encoder().encode(settings)) ?? Data()) + Array(upstream.utf8))
    }

    /// A fingerprint of a matrix's shape and bits: what a stage read when no stage of this
    /// directory made it.
    static func fingerprint(of matrix: Matrix) -> String {
        let shape = [Int64(matrix.rows), Int64(matrix.cols)].withUnsafeBytes { Array($0) }
        return "matrix-" + hash(shape + matrix.storage.withUnsafeBytes { Array($0) })
    }

    /// 64-bit FNV-1a, in hexadecimal.
    static func hash(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
