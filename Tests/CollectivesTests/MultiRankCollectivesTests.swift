import Collectives
import TestSupport
import XCTest

/// Runs `collectives-check` under mpirun: every collective checked against the arithmetic at 1, 2
/// and 4 ranks, and failure agreement.
final class MultiRankCollectivesTests: XCTestCase {
    func testEveryCollectiveAtOneTwoAndFourRanks() throws {
        for ranks in [1, 2, 4] {
            let result = try ProcessRunner.mpirun(ranks: ranks, product: "collectives-check", [])
            XCTAssertEqual(result.status, 0, "np \(ranks): \(result.stdout)\(result.stderr)")
            XCTAssertTrue(result.stdout.contains("collectives ok (\(ranks) ranks)"), "np \(ranks): \(result.stdout)")
        }
    }

    func testOneFailingRankEndsEveryRankWithItsMessage() throws {
        let result = try ProcessRunner.mpirun(ranks: 4, product: "collectives-check", ["fail-rank", "2"], timeout: 60)
        XCTAssertFalse(result.timedOut, "the job hung after rank 2 failed")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("rank 2 failed in check stage: planted failure"), result.stderr)
        XCTAssertLessThan(result.seconds, 30)
    }

    func testUnexpectedErrorOnOneRankAbortsTheJob() throws {
        // doctor with a bad thread count on one rank only would be validation; instead use the
        // environment: N2D_TEST_CRASH_RANK makes that rank throw outside any agreement.
        let result = try ProcessRunner.mpirun(ranks: 3, product: "n2d-mpi", ["doctor"], timeout: 60,
                                              environment: ["N2D_TEST_CRASH_RANK": "1"])
        XCTAssertFalse(result.timedOut, "the job hung after rank 1 failed")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("error on rank 1"), result.stderr)
    }

    func testDoctorPrintsOneLinePerRankAndExitsZero() throws {
        let result = try ProcessRunner.mpirun(ranks: 4, product: "n2d-mpi", ["doctor"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rankLines = result.stdout.split(separator: "\n").filter { $0.hasPrefix("rank ") }
        XCTAssertEqual(rankLines.count, 4, result.stdout)
        XCTAssertTrue(result.stdout.contains("4 ranks on 1 host"), result.stdout)
        XCTAssertTrue(result.stdout.contains("allreduce ok"), result.stdout)
        XCTAssertTrue(result.stdout.contains("BLAS kernel ") && result.stdout.contains("this CPU's best"), result.stdout)
        XCTAssertTrue(result.stdout.contains("subnormals flushed to zero (FTZ+DAZ) on every computing thread"), result.stdout)
        XCTAssertEqual(result.stdout.split(separator: "\n").filter { $0.hasPrefix("ceilings of rank ") }.count, 4, result.stdout)
        XCTAssertTrue(result.stdout.contains("BLAS threads 1"), "4 ranks on a small machine get one BLAS thread each")
    }
}

/// The one-rank communicator gives what MPI gives at one rank.
final class LocalCommunicatorTests: XCTestCase {
    func testLocalCollectivesAreIdentities() {
        let local = LocalCommunicator()
        var values: [Float] = [1, 2, 3]
        local.allreduce(&values, op: .sum)
        XCTAssertEqual(values, [1, 2, 3])
        XCTAssertEqual(local.allreduce(7, op: .max), 7)
        XCTAssertEqual(local.allgather([Int32(4), 5]), [4, 5])
        XCTAssertEqual(local.gather([1.5, 2.5], root: 0), [1.5, 2.5])
        XCTAssertEqual(local.scatter([Int64(1), 2], counts: [2], root: 0), [1, 2])
        XCTAssertEqual(local.alltoall([Int64(9)], sendCounts: [1]), [9])
        XCTAssertEqual(local.broadcast("x", root: 0), "x")
        var buffer: [Double] = [3, 4]
        buffer.withUnsafeMutableBufferPointer { local.startAllreduce($0, op: .sum).wait() }
        XCTAssertEqual(buffer, [3, 4])
    }

    func testAgreementThrowsTheFailingRanksMessage() {
        let local = LocalCommunicator()
        struct Planted: Error, CustomStringConvertible { var description: String { "bad row 7" } }
        XCTAssertThrowsError(try local.agreeing("parse") { throw Planted() }) { error in
            XCTAssertEqual((error as? RankFailure)?.description, "rank 0 failed in parse: bad row 7")
        }
        XCTAssertEqual(try local.agreeing("ok") { 42 }, 42)
    }

    func testOneRankMPIEqualsLocal() throws {
        // collectives-check without mpirun runs on LocalCommunicator; under mpirun -np 1 on MPI.
        let local = try ProcessRunner.run(TestPaths.product("collectives-check").path, [])
        let mpi = try ProcessRunner.mpirun(ranks: 1, product: "collectives-check", [])
        XCTAssertEqual(local.status, 0, local.stdout)
        XCTAssertEqual(local.stdout, mpi.stdout)
    }
}
