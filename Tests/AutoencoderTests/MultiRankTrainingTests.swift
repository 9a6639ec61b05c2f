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
}
