#if canImport(Glibc)
import Glibc
#endif
import Collectives

/// SIGINT and SIGTERM on a long run: instead of dying mid-write, the process notes the request and
/// the long stages stop at their next safe point (training: after writing the current checkpoint),
/// so `--resume` continues. mpirun forwards both signals to every rank; the ranks still agree
/// (`shouldStop`) so that all of them stop at the same step.
public enum StopRequest {
    nonisolated(unsafe) private static var signalled: Int32 = 0

    /// Installs the handlers (idempotent). A second signal ends the process at once.
    public static func install() {
        let handler: @convention(c) (Int32) -> Void = { number in
            if StopRequest.signalled != 0 { _exit(128 + number) }
            StopRequest.signalled = number
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    /// The signal received on this rank, or 0.
    public static var localSignal: Int32 { signalled }

    /// True on every rank when any rank received a stop signal. A collective (one small allreduce).
    public static func shouldStop(_ world: Communicator) -> Bool {
        world.allreduce(Int(signalled), op: .max) != 0
    }
}
