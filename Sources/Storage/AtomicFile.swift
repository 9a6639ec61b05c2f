import Foundation

/// Errors reading or writing files, each naming the file and the problem.
public struct FileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}

/// Writes files so that readers see either the old file or the complete new one, never a part:
/// the bytes go to a temporary file in the same directory, are flushed to disk, then renamed over
/// the target. On any failure the temporary file is removed and the previous file is untouched.
public enum AtomicFile {
    /// Replaces the file at `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { emit in try bytes.withUnsafeBytes { try emit($0) } }
    }

    /// Replaces the file at `path` with the bytes `produce` hands to `emit`, in order, without
    /// holding the whole file in memory (large checkpoints).
    public static func write(to path: String, _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, problem: "cannot create a file here (\(String(cString: strerror(errno))))")
        }
        var failure: String?
        do {
            try produce { raw in
                var offset = 0
                while offset < raw.count {
                    let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw FileError(path: path, problem: String(cString: strerror(errno)))
                    }
                    offset += n
                }
            }
        } catch {
            failure = (error as? FileError)?.problem ?? "\(error)"
        }
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        if close(fd) != 0, failure == nil { failure = String(cString: strerror(errno)) }
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw FileError(path: path, problem: "write failed (\(failure)); the previous file, if any, is unchanged")
        }
    }

    /// Replaces the file at `path` with the UTF-8 text.
    public static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }
}
