import Foundation
import TestSupport
import XCTest

/// The collective watchdog on one machine, no root needed: a rank that freezes mid-run (SIGSTOP, as a
/// hung host or a process stuck in the kernel) keeps its connections open, so MPI alone would wait
/// forever; with N2D_COLLECTIVE_TIMEOUT the other rank ends with the watchdog's message and the job ends.
final class WatchdogTests: XCTestCase {
    func testFrozenRankEndsTheJobAfterTheCollectiveTimeout() throws {
        let environment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1", "N2D_COLLECTIVE_TIMEOUT": "3"]
        let job = try BackgroundJob("/usr/bin/mpirun",
                                    ["-np", "2", "--oversubscribe", "--bind-to", "none",
                                     TestPaths.product("collectives-check").path, "soak", "120"],
                                    environment: environment)
        XCTAssertTrue(job.waitForOutput("soak: started", timeout: 60), "soak did not start: \(job.stderr)")
        let ranks = try childProcesses(of: job.processIdentifier)
        XCTAssertEqual(ranks.count, 2, "mpirun should have started two ranks")
        guard let frozen = ranks.last else { return }
        kill(frozen, SIGSTOP)
        defer { kill(frozen, SIGKILL) }
        let status = job.waitForExit(timeout: 60)
        XCTAssertNotNil(status, "the job still ran 60 s after a rank froze: the watchdog did not end it")
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(job.stderr.contains("MPI_Allreduce in stage 'soak' did not complete within 3 s"), job.stderr)
    }

    private func childProcesses(of parent: Int32) throws -> [Int32] {
        let result = try ProcessRunner.run("/usr/bin/pgrep", ["-P", "\(parent)"], timeout: 10)
        return result.stdout.split(separator: "\n").compactMap { Int32($0) }
    }
}

/// The flag that sets the watchdog is validated with a message that says what to pass.
final class CollectiveTimeoutFlagTests: XCTestCase {
    func testNonPositiveTimeoutIsRefused() throws {
        let result = try ProcessRunner.run(TestPaths.product("n2d-mpi").path, ["doctor", "--collective-timeout", "0"], timeout: 30)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--collective-timeout must be a positive number of seconds (got 0.0)"), result.stderr)
    }
}
