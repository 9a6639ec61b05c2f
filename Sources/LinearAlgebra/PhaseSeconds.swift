import Dispatch

/// Wall seconds per phase of a computation, each phase timed from the end of the one before (the
/// `seconds` of UMAP's, t-SNE's and Isomap's results).
public struct PhaseSeconds: Sendable {
    /// Seconds by phase name; a caller may add figures it timed itself.
    public var seconds: [String: Double] = [:]
    private var mark = DispatchTime.now().uptimeNanoseconds

    public init() {}

    /// Ends `phase` now: its seconds since the previous lap (or the start).
    public mutating func lap(_ phase: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        seconds[phase] = Double(now - mark) / 1e9
        mark = now
    }
}
