import Foundation
import Storage
import TestSupport
import XCTest

/// One global batch gives the same update at any rank count: `ae-bench check` runs full-batch steps
/// under mpirun at 1, 2 and 4 ranks for each communication path (the shared path with its machine-wide
/// parameter copy split over 2 and 4 ranks, and with pooled batches); the parameters must agree to 1e-5.
final class MultiRankTrainingTests: XCTestCase {
    func testSameGlobalBatchGivesTheSameParametersAtOneTwoAndFourRanks() throws {
        for (comm, dense) in [("gather", false), ("allreduce", false), ("auto", true), ("shared", false), ("shared", true)] {
            try assertSameParameters([1, 2, 4].map { ranks in
                (ranks, ["check", "--comm", comm, "--steps", "1"] + (dense ? ["--dense"] : []))
            }, name: "\(comm)-\(dense)")
        }
    }

    /// Batch pooling (more ranks on a machine than compute): at 4 ranks with 1 or 2 computing, the
    /// lenders' rows are computed by others and the update split over the computing ranks only; the
    /// parameters agree with one process to 1e-5, for CSR and dense input.
    func testPooledBatchesAtFourRanksGiveTheSameParametersAsOneProcess() throws {
        for dense in [false, true] {
            try assertSameParameters([(1, 1), (4, 1), (4, 2), (4, 4)].map { (ranks: Int, compute: Int) in
                (ranks, ["check", "--comm", "shared", "--steps", "2", "--compute-ranks", "\(compute)"] + (dense ? ["--dense"] : []))
            }, name: "pooled-\(dense)") { run, result in
                let compute = Int(run.arguments[run.arguments.firstIndex(of: "--compute-ranks")! + 1])!
                XCTAssertEqual(result.stdout.contains("pooled on \(compute) rank"), compute < run.ranks, result.stdout)
            }
        }
    }

    /// Runs `ae-bench` with each case's arguments (plus `--out`) under mpirun and asserts that every
    /// case's parameters agree with the first case's to 1e-5; `inspect` sees each run's output.
    private func assertSameParameters(_ cases: [(ranks: Int, arguments: [String])], name: String,
                                      inspect: ((ranks: Int, arguments: [String]), ProcessResult) -> Void = { _, _ in }) throws {
        let dir = TestPaths.temporaryDirectory("ae-\(name)")
        var reference: [Float]?
        for (k, run) in cases.enumerated() {
            let out = dir.appendingPathComponent("\(k).npy").path
            let result = try ProcessRunner.mpirun(ranks: run.ranks, product: "ae-bench", run.arguments + ["--out", out], timeout: 120)
            XCTAssertEqual(result.status, 0, "\(name) np \(run.ranks) \(run.arguments): \(result.stdout)\(result.stderr)")
            inspect(run, result)
            let parameters = try NPY.readMatrix(path: out).storage
            if let reference {
                XCTAssertLessThanOrEqual(maxRelativeDifference(reference, parameters), 1e-5, "\(name) np \(run.ranks) \(run.arguments)")
            } else {
                reference = parameters
            }
        }
    }

    /// The shared path at 2 ranks, and pooled at 4 ranks with 2 computing: rank 0 checkpoints from the
    /// machine's shared copy and resume fills it, so 2 steps + resume for a 3rd end bit-identical to 3
    /// uninterrupted steps.
    func testSharedPathResumeEqualsAnUninterruptedRun() throws {
        for (ranks, compute) in [(2, 2), (4, 2)] {
            let dir = TestPaths.temporaryDirectory("ae-shared-resume-\(ranks)")
            let path = { (name: String) in dir.appendingPathComponent(name).path }
            let runs: [[String]] = [
                ["--steps", "3", "--out", path("full.npy")],
                ["--steps", "2", "--out", path("part.npy"), "--checkpoint", path("model.ckpt")],
                ["--steps", "3", "--out", path("resumed.npy"), "--checkpoint", path("model.ckpt"), "--resume"],
            ]
            for arguments in runs {
                let result = try ProcessRunner.mpirun(ranks: ranks, product: "ae-bench",
                                                      ["check", "--comm", "shared", "--compute-ranks", "\(compute)"] + arguments, timeout: 120)
                XCTAssertEqual(result.status, 0, "np \(ranks) \(arguments): \(result.stdout)\(result.stderr)")
            }
            XCTAssertEqual(try NPY.readMatrix(path: path("full.npy")).storage, try NPY.readMatrix(path: path("resumed.npy")).storage, "np \(ranks)")
        }
    }
}
