import Foundation
import Storage

/// The training state after a whole epoch: parameters, Adam moments and step, the epochs done (the
/// shuffles derive from (seed, epoch, rank), so this is the random state), the history so far, and
/// the fingerprint of the configuration it belongs to.
public struct Checkpoint: Equatable, Sendable {
    public struct Header: Equatable, Codable, Sendable {
        public var fingerprint: [String: String]
        public var architecture: Architecture
        public var epochsDone: Int
        public var adamStep: Int
        public var ranks: Int
        public var history: [EpochRecord]
    }
    public var header: Header
    public var parameters: [Float]
    public var firstMoments: [Float]
    public var secondMoments: [Float]
}

/// A checkpoint that cannot be used, naming the file and what is wrong.
public struct CheckpointError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public var description: String { "checkpoint \(path): \(problem)" }
}

/// The checkpoint file: `N2DAECK1`, a little-endian UInt32 header length, the JSON header, the
/// parameters, first and second moments (float32, little-endian), then a 64-bit checksum of all the
/// bytes before it. Written atomically; the header is validated (size, architecture, file length)
/// before any large allocation.
public enum CheckpointFile {
    static let magic = Array("N2DAECK1".utf8)
    static let maximumHeaderBytes = 1 << 22

    /// Writes `checkpoint` to `path` atomically (temporary file, fsync, rename).
    public static func write(_ checkpoint: Checkpoint, to path: String) throws {
        try checkpoint.parameters.withUnsafeBufferPointer { p in
            try checkpoint.firstMoments.withUnsafeBufferPointer { m in
                try checkpoint.secondMoments.withUnsafeBufferPointer { v in
                    try write(header: checkpoint.header, parameters: p, firstMoments: m, secondMoments: v, to: path)
                }
            }
        }
    }

    /// Writes a checkpoint from the live training buffers, streaming them to the file (no copy).
    public static func write(header: Checkpoint.Header, parameters: UnsafeBufferPointer<Float>,
                             firstMoments: UnsafeBufferPointer<Float>, secondMoments: UnsafeBufferPointer<Float>,
                             to path: String) throws {
        let headerBytes = try JSONEncoder().encode(header)
        var lead = magic
        withUnsafeBytes(of: UInt32(headerBytes.count).littleEndian) { lead += $0 }
        lead += headerBytes
        try AtomicFile.write(to: path) { emit in
            var hasher = Checksum()
            let parts: [UnsafeRawBufferPointer] = [UnsafeRawBufferPointer(parameters), UnsafeRawBufferPointer(firstMoments),
                                                   UnsafeRawBufferPointer(secondMoments)]
            precondition(parts.allSatisfy { $0.count == parts[0].count }, "checkpoint arrays differ in length")
            try lead.withUnsafeBytes { raw in
                hasher.add(raw)
                try emit(raw)
            }
            for part in parts {
                hasher.add(part)
                try emit(part)
            }
            try withUnsafeBytes(of: hasher.value.littleEndian) { try emit($0) }
        }
    }

    /// Reads and verifies the checkpoint at `path`; when `fingerprint` is given, refuses a checkpoint
    /// of another configuration, naming each setting that differs.
    public static func read(path: String, expecting fingerprint: [String: String]? = nil) throws -> Checkpoint {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CheckpointError(path: path, problem: "cannot open the file")
        }
        defer { try? handle.close() }
        let fileSize = Int((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0)
        let lead = try readExactly(handle, magic.count + 4, path: path)
        guard Array(lead[0..<magic.count]) == magic else {
            throw CheckpointError(path: path, problem: "not an n2d-mpi autoencoder checkpoint (bad magic bytes)")
        }
        let headerLength = Int(lead[8]) | Int(lead[9]) << 8 | Int(lead[10]) << 16 | Int(lead[11]) << 24
        guard headerLength > 0, headerLength <= maximumHeaderBytes, headerLength < fileSize else {
            throw CheckpointError(path: path, problem: "corrupted: header length \(headerLength) is implausible")
        }
        let headerBytes = try readExactly(handle, headerLength, path: path)
        let header: Checkpoint.Header
        do {
            header = try JSONDecoder().decode(Checkpoint.Header.self, from: Data(headerBytes))
        } catch {
            throw CheckpointError(path: path, problem: "corrupted: the header is not valid (\(error))")
        }
        guard let count = header.architecture.checkedParameterCount, count <= Int(Int32.max) else {
            throw CheckpointError(path: path, problem: "corrupted: the header describes an impossible network (\(header.architecture))")
        }
        let expectedSize = lead.count + headerLength + 12 * count + 8
        guard count > 0, fileSize == expectedSize else {
            throw CheckpointError(path: path, problem: "corrupted or truncated: \(fileSize) bytes, expected \(expectedSize) for \(header.architecture)")
        }
        if let fingerprint {
            let differing = fingerprint.keys.sorted().filter { fingerprint[$0] != header.fingerprint[$0] }
            guard differing.isEmpty else {
                let list = differing.map { "\($0) \(header.fingerprint[$0] ?? "missing") in the checkpoint, \(fingerprint[$0]!) now" }
                throw CheckpointError(path: path, problem: "belongs to another configuration (\(list.joined(separator: "; "))); "
                                      + "use the same settings, or remove the file (or drop --resume) to start afresh")
            }
        }
        var hasher = Checksum()
        hasher.add(lead)
        hasher.add(headerBytes)
        var arrays: [[Float]] = []
        for _ in 0..<3 {
            let raw = try readExactly(handle, 4 * count, path: path)
            hasher.add(raw)
            arrays.append(raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) })
        }
        let stored = try readExactly(handle, 8, path: path).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard stored == hasher.value else {
            throw CheckpointError(path: path, problem: "corrupted: checksum mismatch; remove it to start afresh")
        }
        return Checkpoint(header: header, parameters: arrays[0], firstMoments: arrays[1], secondMoments: arrays[2])
    }

    private static func readExactly(_ handle: FileHandle, _ count: Int, path: String) throws -> [UInt8] {
        let data = (try? handle.read(upToCount: count)) ?? Data()
        guard data.count == count else { throw CheckpointError(path: path, problem: "truncated") }
        return [UInt8](data)
    }

}

/// FNV-1a over bytes, streamed (the same value however the bytes are split).
struct Checksum {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        value = h
    }

    mutating func add(_ bytes: [UInt8]) { bytes.withUnsafeBytes { add($0) } }
}
