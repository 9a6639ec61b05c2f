import Foundation
import Storage
import TestSupport
import XCTest

/// One global batch gives the same update at any rank count: `ae-bench check` runs one full-batch step
/// under mpirun at 1, 2 and 4 ranks for each communication path (the shared path with its machine-wide
/// parameter copy split over 2 and 4 ranks); the parameters must agree to 1e-5.
final class MultiRankTrainingTests: XCTestCase {
    func testSameGlobalBatchGivesTheSameParametersAtOneTwoAndFourRanks() throws {
        let dir = TestPaths.temporaryDirectory("ae-ranks")
        for (comm, dense) in [("gather", false), ("allreduce", false), ("auto", true), ("shared", false), ("shared", true)] {
            var reference: [Float]?
            for ranks in [1, 2, 4] {
                let out = dir.appendingPathComponent("\(comm)-\(dense)-\(ranks).npy").path
                var arguments = ["check", "--comm", comm, "--steps", "1", "--out", out]
                if dense { arguments.append("--dense") }
                let result = try ProcessRunner.mpirun(ranks: ranks, product: "ae-bench", arguments, timeout: 120)
                XCTAssertEqual(result.status, 0, "\(comm) np \(ranks): \(result.stdout)\(result.stderr)")
                let parameters = try NPY.readMatrix(path: out).storage
                if let reference {
                    XCTAssertLessThanOrEqual(maxRelativeDifference(reference, parameters), 1e-5, "\(comm) np \(ranks)")
                } else {
                    reference = parameters
                }
            }
        }
    }

    /// The shared path at 2 ranks: rank 0 checkpoints from the machine's shared copy and resume fills
    /// it, so 2 steps + resume for a 3rd end bit-identical to 3 uninterrupted steps.
    func testSharedPathResumeAtTwoRanksEqualsAnUninterruptedRun() throws {
        let dir = TestPaths.temporaryDirectory("ae-shared-resume")
        let path = { (name: String) in dir.appendingPathComponent(name).path }
        let runs: [[String]] = [
            ["--steps", "3", "--out", path("full.npy")],
            ["--steps", "2", "--out", path("part.npy"), "--checkpoint", path("model.ckpt")],
            ["--steps", "3", "--out", path("resumed.npy"), "--checkpoint", path("model.ckpt"), "--resume"],
        ]
        for arguments in runs {
            let result = try ProcessRunner.mpirun(ranks: 2, product: "ae-bench", ["check", "--comm", "shared"] + arguments, timeout: 120)
            XCTAssertEqual(result.status, 0, "\(arguments): \(result.stdout)\(result.stderr)")
        }
        XCTAssertEqual(try NPY.readMatrix(path: path("full.npy")).storage, try NPY.readMatrix(path: path("resumed.npy")).storage)
    }
}
