import Foundation
import Logging

/// A swift-log handler that prefixes each line with the rank ("[rank 1] ") when the job has several
/// ranks and writes to standard error. `--quiet` raises the level to warning, `--verbose` lowers it
/// to debug.
public struct RankLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let prefix: String

    public init(rank: Int, size: Int, level: Logger.Level) {
        logLevel = level
        prefix = size > 1 ? "[rank \(rank)] " : ""
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let tag = event.level >= .warning ? "\(event.level): " : ""
        FileHandle.standardError.write(Data((prefix + tag + "\(event.message)\n").utf8))
    }

    /// Installs the handler for this process (once, before the first logger is made).
    public static func bootstrap(rank: Int, size: Int, level: Logger.Level) {
        LoggingSystem.bootstrap { _ in RankLogHandler(rank: rank, size: size, level: level) }
    }
}
