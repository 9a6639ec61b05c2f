import Foundation
import TestSupport
import XCTest

/// SIGTERM during training: the epoch's checkpoint is written, the job exits with a message that
/// says how to resume, and `--resume` finishes the remaining epochs.
final class StopAndResumeTests: XCTestCase {
    func testSigtermStopsAfterTheEpochAndResumeFinishes() throws {
        let dir = TestPaths.temporaryDirectory("stop").path
        let arguments = ["train", "--input", TestPaths.imdbCSV.path, "--max-rows", "1200", "--epochs", "6",
                         "--hidden", "64,32", "--output-dir", dir]
        let process = Process()
        process.executableURL = TestPaths.product("n2d-mpi")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait for the first checkpoint, then ask the run to stop.
        let checkpoint = dir + "/model.ckpt"
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: checkpoint) && Date() < deadline && process.isRunning { usleep(50_000) }
        XCTAssertTrue(process.isRunning, "training ended before it could be stopped")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(message.contains("stopped by a signal after epoch"), message)
        XCTAssertTrue(message.contains("--resume"), message)
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint))

        let resumed = try ProcessRunner.run(TestPaths.product("n2d-mpi").path, arguments + ["--resume"], timeout: 300)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resumed after epoch"), resumed.stderr)
        let history = try String(contentsOfFile: dir + "/history.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(history.count, 1 + 6, "history.csv must hold every epoch, the restored ones too")
    }
}
