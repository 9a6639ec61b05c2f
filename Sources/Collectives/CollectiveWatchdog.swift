import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Bounds how long a rank waits inside one collective. A peer that has died, or whose host has dropped
/// off the network, never answers; MPI over TCP then waits for the kernel's retransmission timeout
/// (about 15 minutes on Linux) or forever. When a watched collective has not completed `seconds` after
/// it began, the watchdog prints which collective in which stage timed out and ends this process with
/// exit code 1; the MPI launcher then ends the ranks it can still reach.
///
/// Only the time spent inside a collective counts (for a started allreduce, the time inside `wait()`),
/// so `seconds` must exceed the longest time one rank can wait for a slower peer: load imbalance,
/// or rank 0 working alone while the others wait for its broadcast.
public final class CollectiveWatchdog {
    /// The longest a collective may take, in seconds.
    public let seconds: Double
    private let rank: Int
    private let hostName: String
    private let pending = Mutex<(operation: StaticString, deadline: Double)?>(nil)
    private let timer: DispatchSourceTimer

    private static let stageLabel = Mutex("startup")

    /// The stage that the process-wide label names in a timeout message (e.g. "train epoch 3").
    /// The pipeline sets it as it moves on; it costs a lock, so set it per stage or epoch, not per step.
    public static var stage: String {
        get { stageLabel.withLock { $0 } }
        set { stageLabel.withLock { $0 = newValue } }
    }

    /// Starts watching. `seconds` must be positive; `rank` and `hostName` appear in the message.
    public init(seconds: Double, rank: Int, hostName: String) {
        precondition(seconds > 0, "a collective timeout must be positive")
        self.seconds = seconds
        self.rank = rank
        self.hostName = hostName
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "n2d.collective-watchdog"))
        let tick = min(1.0, seconds / 4)
        timer.schedule(deadline: .now() + tick, repeating: tick, leeway: .milliseconds(50))
        timer.setEventHandler { [weak self] in self?.check() }
        timer.resume()
    }

    deinit { timer.cancel() }

    /// The timeout from the environment variable `N2D_COLLECTIVE_TIMEOUT` (seconds), nil when unset
    /// or not a positive number.
    public static var environmentSeconds: Double? {
        guard let text = getenv("N2D_COLLECTIVE_TIMEOUT").map({ String(cString: $0) }),
              let value = Double(text), value > 0 else { return nil }
        return value
    }

    /// Runs `body`, the collective `operation`, under the deadline.
    @inline(__always)
    func watch<R>(_ operation: StaticString, _ body: () -> R) -> R {
        let deadline = monotonicSeconds() + seconds
        pending.withLock { $0 = (operation, deadline) }
        defer { pending.withLock { $0 = nil } }
        return body()
    }

    private func check() {
        guard let (operation, deadline) = pending.withLock({ $0 }), monotonicSeconds() > deadline else { return }
        let seconds = self.seconds
        writeStandardError("n2d-mpi: error on rank \(rank) (host \(hostName)): \(operation) in stage "
            + "'\(Self.stage)' did not complete within \(seconds.formatted) s: a peer rank or its host stopped "
            + "responding (process killed, host down or network cut). Ending this rank so the job cannot hang "
            + "(bound set by --collective-timeout / N2D_COLLECTIVE_TIMEOUT).")
        _exit(1)
    }
}

private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

private extension Double {
    var formatted: String { self == rounded() ? String(Int(self)) : String(self) }
}
