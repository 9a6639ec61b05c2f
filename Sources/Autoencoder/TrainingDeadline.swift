import Foundation

/// A time limit on training (`run --budget`): after each epoch, training goes on only while one
/// more epoch, as long as the slowest of this run's epochs so far, still ends by `date`. The first
/// epoch always runs. Nothing else about training depends on it, so the epochs it allowed, given as
/// `--epochs`, reproduce the run on any machine.
public struct TrainingDeadline: Sendable, Equatable {
    public let date: Date

    public init(_ date: Date) { self.date = date }

    /// Whether another epoch fits at `now`, after this run's epochs took `epochSeconds`.
    public func allowsAnotherEpoch(after epochSeconds: [Double], now: Date) -> Bool {
        guard let slowest = epochSeconds.max() else { return true }
        return now.addingTimeInterval(slowest) <= date
    }
}
