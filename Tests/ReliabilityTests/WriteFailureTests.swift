import Foundation
import TestSupport
import XCTest

/// A disk that fills up while `n2d-mpi run` writes an artifact: the job ends with a message naming
/// the file and the cause, and the previous artifact of that name is still intact.
final class WriteFailureTests: XCTestCase {
    func testDiskFullWhileWritingTheCheckpointKeepsThePreviousOne() throws {
        let work = TestPaths.temporaryDirectory("disk-full").path
        defer { try? FileManager.default.removeItem(atPath: work) }
        let full = work + "/full"
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        // A 64 KiB tmpfs is the only honest full disk; mounting it needs root (CI runs as root).
        let mount = try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", full], timeout: 30)
        guard mount.status == 0 else {
            // Not root, or root without CAP_SYS_ADMIN (a container): the machine lacks it, a skip in CI too.
            // Any other failure of the mount is a failure in CI.
            let denied = getuid() != 0 || mount.stderr.lowercased().contains("permission denied")
                || mount.stderr.lowercased().contains("must be superuser") || mount.stderr.lowercased().contains("not permitted")
            throw skipOrFailInCI("cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN): \(mount.stderr)",
                                 expectedInCI: Requirements.inCI && !denied)
        }
        defer { _ = try? ProcessRunner.run("/bin/umount", [full], timeout: 30) }

        let previous = Array("the previous checkpoint, which must survive".utf8)
        try Data(previous).write(to: URL(fileURLWithPath: full + "/model.ckpt"))
        try BadInputCatalogue.write(BadInputCatalogue.numericCSV(rows: 60), work + "/good.csv")
        // 4 → 3000 → 2 → 3000 → 4: a checkpoint of about 0.5 MB, far beyond the 64 KiB disk.
        var arguments = ["run"] + BadInputCatalogue.fast + ["--input", work + "/good.csv", "--format", "numeric-csv",
                                                            "--output-dir", full]
        arguments[arguments.firstIndex(of: "--hidden")! + 1] = "3000"
        let result = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", arguments, timeout: 120)
        let output = result.stderr + result.stdout

        XCTAssertFalse(result.timedOut, "the job hung on a full disk:\n\(output.suffix(2000))")
        XCTAssertNotEqual(result.status, 0, output)
        XCTAssertTrue(output.contains("model.ckpt") && output.contains("No space left on device"),
                      "the message should name the file and the cause:\n\(output.suffix(2000))")
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: full + "/model.ckpt"))), previous,
                       "the previous model.ckpt was changed")
        let left = try FileManager.default.contentsOfDirectory(atPath: full).filter { $0.contains(".tmp-") }
        XCTAssertEqual(left, [], "temporary files left on the full disk")
    }
}
