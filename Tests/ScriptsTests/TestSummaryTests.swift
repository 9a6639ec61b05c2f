import Foundation
import TestSupport
import XCTest

/// Scripts/test-summary.sh (the closing line of Scripts/test.sh) on canned XCTest output: it counts
/// test cases, not assertions, counts skips, always prints the line last and keeps the run's status.
final class TestSummaryTests: XCTestCase {
    private let script = TestPaths.packageRoot.appendingPathComponent("Scripts/test-summary.sh").path
    private var directory: URL!

    override func setUpWithError() throws { directory = TestPaths.temporaryDirectory("test-summary") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Lines of one test case as XCTest on Linux prints them.
    private func testCase(_ name: String, _ outcome: String, messages: [String] = []) -> String {
        (["Test Case '\(name)' started at 2026-12-01 10:00:00.000"] + messages
            + (outcome == "crash" ? [] : ["Test Case '\(name)' \(outcome) (0.001 seconds)"])).joined(separator: "\n")
    }

    /// Runs the script on a command that prints `log` and exits with `status`.
    private func summarize(_ log: String, status: Int32) throws -> (lastLine: String, status: Int32, lines: [String]) {
        let canned = directory.appendingPathComponent("canned.log")
        try Data(log.utf8).write(to: canned)
        let result = try ProcessRunner.run("/bin/bash", [script, directory.appendingPathComponent("run.log").path, "--",
                                                         "/bin/bash", "-c", "cat '\(canned.path)'; exit \(status)"])
        let lines = result.stdout.split(separator: "\n")
        return (lines.last.map(String.init) ?? "", result.status, lines.map(String.init))
    }

    func testRedRunCountsTestsNotAssertionsAndSkips() throws {
        let log = [
            "[12/80] Compiling Foo",
            "Test Suite 'All tests' started at 2026-12-01 10:00:00.000",
            testCase("A.testPasses", "passed"),
            testCase("A.testFailsTwice", "failed", messages: [
                "/x/A.swift:3: error: A.testFailsTwice : XCTAssertEqual failed: (\"1\") is not equal to (\"2\") - ",
                "/x/A.swift:4: error: A.testFailsTwice : XCTAssertTrue failed - ",
            ]),
            testCase("B.testSkipped", "skipped", messages: ["/x/B.swift:9: B.testSkipped : Test skipped - no root"]),
            "Test Suite 'B' passed at 2026-12-01 10:00:00.000",
            "\t Executed 1 test, with 0 failures (0 unexpected) in 0.001 (0.001) seconds",
            testCase("C.testPasses", "passed"),
            testCase("C.testPasses", "passed"),
            "Test Suite 'All tests' failed at 2026-12-01 10:00:00.000",
            "\t Executed 4 tests, with 2 failures (0 unexpected) in 0.004 (0.004) seconds",
        ].joined(separator: "\n") + "\n"
        let summary = try summarize(log, status: 1)
        XCTAssertEqual(summary.lastLine, "n2d-mpi tests: 2 passed, 1 failed, 1 skipped")
        XCTAssertEqual(summary.status, 1)
        XCTAssertEqual(summary.lines.dropLast().last, "skipped: B.testSkipped (no root)", "the skip and its reason, before the closing line")
    }

    func testCrashedTestCountsAsFailed() throws {
        let log = [testCase("A.testPasses", "passed"), testCase("A.testCrashes", "crash"), "Fatal error: boom"]
            .joined(separator: "\n") + "\n"
        let summary = try summarize(log, status: 132)
        XCTAssertEqual(summary.lastLine, "n2d-mpi tests: 1 passed, 1 failed, 0 skipped")
        XCTAssertEqual(summary.status, 132)
    }

    func testGreenRunExitsZero() throws {
        let summary = try summarize([testCase("A.testOne", "passed"), testCase("A.testTwo", "skipped")]
            .joined(separator: "\n") + "\n", status: 0)
        XCTAssertEqual(summary.lastLine, "n2d-mpi tests: 1 passed, 0 failed, 1 skipped")
        XCTAssertEqual(summary.status, 0)
    }

    func testBuildFailureStillPrintsTheLine() throws {
        let summary = try summarize("error: compile command failed\n", status: 1)
        XCTAssertEqual(summary.lastLine, "n2d-mpi tests: 0 passed, 0 failed, 0 skipped")
        XCTAssertEqual(summary.status, 1)
    }

    func testNoTestsRunIsNotGreen() throws {
        XCTAssertEqual(try summarize("nothing\n", status: 0).status, 1)
    }
}
