import Foundation
import TestSupport
import XCTest

/// A rank killed (SIGKILL) in the middle of training: the whole 2-rank job ends promptly with a
/// non-zero exit, and `--resume` then finishes the job from the last checkpoint.
final class RankFailureTests: XCTestCase {
    static let timeLimit = 60.0

    func testKilledRankEndsTheJobAndResumeFinishes() throws {
        let dir = TestPaths.temporaryDirectory("rank-kill").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var csv = "f0" + (1..<32).map { ",f\($0)" }.joined() + "\n"
        for i in 0..<3000 { csv += (0..<32).map { String(Double((i * 7 + $0 * 13) % 17) / 17) }.joined(separator: ",") + "\n" }
        try BadInputCatalogue.write(csv, dir + "/data.csv")
        let output = dir + "/out"
        // Far more epochs than the test waits for: the job is certainly still training when killed.
        var arguments = ["run"] + BadInputCatalogue.fast + ["--input", dir + "/data.csv", "--format", "numeric-csv",
                                                            "--output-dir", output, "--epochs", "5000", "--hidden", "64"]

        let job = try MPIJob(ranks: 2, arguments: arguments, log: dir + "/first.log")
        let checkpoint = output + "/model.ckpt"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint) && job.isRunning && Date() < deadline { usleep(50_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint), "no checkpoint after the first epoch:\n\(job.log)")
        let ranks = job.rankPIDs()
        XCTAssertEqual(ranks.count, 2, "expected 2 rank processes under mpirun, found \(ranks)")
        guard let victim = ranks.last else { return }
        kill(victim, SIGKILL)
        let killed = Date()
        let ended = job.wait(timeout: Self.timeLimit)
        XCTAssertTrue(ended, "the job still runs \(Int(Self.timeLimit)) s after rank pid \(victim) was killed")
        XCTAssertNotEqual(job.status, 0, job.log)
        print("rank failure: the job ended \(String(format: "%.1f", Date().timeIntervalSince(killed))) s after SIGKILL")

        // Resume one epoch past the last checkpoint.
        let done = try XCTUnwrap(Self.epochsDone(checkpoint), "model.ckpt has no readable header")
        arguments[arguments.lastIndex(of: "--epochs")! + 1] = String(done + 1)
        let resumed = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", arguments + ["--resume"], timeout: 300)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resumed after epoch \(done)"), resumed.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: output + "/labels.csv"), "the resumed run wrote no labels.csv")
    }

    /// `epochsDone` from the checkpoint's JSON header.
    static func epochsDone(_ path: String) -> Int? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let head = String(decoding: data.prefix(1 << 16), as: UTF8.self)
        guard let range = head.range(of: "\"epochsDone\":") else { return nil }
        return Int(head[range.upperBound...].prefix { $0.isNumber })
    }
}

/// An `n2d-mpi` job under mpirun that the test can watch and interfere with while it runs.
final class MPIJob {
    let process = Process()
    let logPath: String

    init(ranks: Int, arguments: [String], log: String) throws {
        logPath = log
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        process.arguments = ["-np", String(ranks), "--oversubscribe", "--bind-to", "none",
                             TestPaths.product("n2d-mpi").path] + arguments
        var env = ProcessInfo.processInfo.environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var status: Int32 { process.terminationStatus }
    var log: String { String(decoding: FileManager.default.contents(atPath: logPath) ?? Data(), as: UTF8.self).suffix(3000).description }

    /// The pids of the ranks: mpirun's child processes running n2d-mpi.
    func rankPIDs() -> [pid_t] {
        guard let result = try? ProcessRunner.run("/usr/bin/pgrep", ["-P", String(process.processIdentifier), "-f", "n2d-mpi"], timeout: 10) else { return [] }
        return result.stdout.split(separator: "\n").compactMap { pid_t($0) }.sorted()
    }

    /// Waits for the job to end; false (and the job killed) when it runs past `timeout` seconds.
    func wait(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return false
    }
}
