import Foundation

/// A progress line with rate and ETA on standard error, for long work (training, layout, kNN).
/// On a terminal it redraws one line; otherwise it prints a line every `interval` seconds at most.
/// Only rank 0 should create an enabled one.
public final class ProgressLine {
    private let label: String
    private let total: Int
    private let unit: String
    private let enabled: Bool
    private let start = Date()
    private var lastPrint = Date.distantPast
    private let interval: TimeInterval
    private let isTerminal = isatty(STDERR_FILENO) != 0

    /// - Parameters: `label` names the work ("train", "umap layout"); `total` counts its units
    ///   (`unit`: "epochs", "steps"); `enabled` false makes every call a no-op.
    public init(label: String, total: Int, unit: String, enabled: Bool) {
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
        self.enabled = enabled
        interval = isTerminal ? 0.25 : 5
    }

    /// Reports `done` units finished; `detail` is appended (e.g. "loss 0.0123").
    public func update(_ done: Int, detail: String = "") {
        guard enabled else { return }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) >= interval || done >= total else { return }
        lastPrint = now
        emit(done, detail: detail, final: false)
    }

    /// Ends the line with the total time, at `done` units (default: all of them).
    public func finish(_ done: Int? = nil, detail: String = "") {
        guard enabled else { return }
        emit(done ?? total, detail: detail, final: true)
    }

    private func emit(_ done: Int, detail: String, final: Bool) {
        let elapsed = Date().timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        var text = "\(label): \(done)/\(total) \(unit) (\(Int(100 * Double(done) / Double(total)))%)"
        if !detail.isEmpty { text += "  \(detail)" }
        text += final ? "  done in \(ProgressLine.clock(elapsed))" : "  elapsed \(ProgressLine.clock(elapsed))  ETA \(ProgressLine.clock(remaining))"
        let line = isTerminal ? "\r\u{1B}[2K" + text + (final ? "\n" : "") : text + "\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Formats seconds as m:ss or h:mm:ss.
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60) }
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
