import Foundation

/// A chart that renders to an image; PNG bytes and files come with it.
public protocol Chart {
    /// The finished image.
    func render() -> Raster
}

extension Chart {
    /// The chart as PNG bytes.
    public func pngData() -> [UInt8] {
        render().pngData()
    }

    /// Writes the chart as a PNG file at `path`, atomically: readers see the previous file or the
    /// complete new one, never a part. Throws `PlotWriteError` naming the path and the problem.
    public func write(to path: String) throws {
        try PlotFile.write(pngData(), to: path)
    }
}

/// A chart file could not be written.
public struct PlotWriteError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let problem: String
    public var description: String { "cannot write the plot \(path): \(problem)" }
}

/// Atomic file replacement: the bytes go to a temporary file in the target's directory, are
/// flushed, then renamed over the target; on failure the temporary file is removed.
enum PlotFile {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw PlotWriteError(path: path, problem: systemError()) }
        var failure: String?
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count, failure == nil {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written >= 0 { offset += written } else if errno != EINTR { failure = systemError() }
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = systemError() }
        if close(fd) != 0, failure == nil { failure = systemError() }
        if failure == nil, rename(temporary, path) != 0 { failure = systemError() }
        if let failure {
            unlink(temporary)
            throw PlotWriteError(path: path, problem: failure)
        }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
