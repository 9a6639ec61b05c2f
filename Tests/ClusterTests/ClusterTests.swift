import Foundation
import TestSupport
import XCTest

/// Ranks on separate hosts (network namespaces on a bridge, Open MPI over TCP, Scripts/cluster):
/// the collectives give what they give on one host, doctor sees the hosts, and a host that drops
/// off the network or dies mid-run ends the job on every surviving rank within a bounded time.
final class ClusterTests: XCTestCase {
    nonisolated(unsafe) private static var setupError: Error?

    override class func setUp() {
        super.setUp()
        guard getuid() == 0 else { return }
        do { try NamespaceCluster.up(hosts: 4, slots: 2) } catch { setupError = error }
    }

    override class func tearDown() {
        if getuid() == 0 { NamespaceCluster.down() }
        super.tearDown()
    }

    override func setUpWithError() throws {
        try NamespaceCluster.requireRoot()
        if let error = Self.setupError { throw error }
    }

    func testCollectivesOverTCPEqualTheOneHostResult() throws {
        for (hosts, perHost) in [(2, 1), (2, 2), (4, 1), (4, 2)] {
            let ranks = hosts * perHost
            let before = try bridgeBytes(host: 2)
            let cluster = try NamespaceCluster.run(hosts: hosts, perHost: perHost, product: "collectives-check", [])
            let bridged = try bridgeBytes(host: 2) - before
            let local = try ProcessRunner.mpirun(ranks: ranks, product: "collectives-check", [])
            XCTAssertEqual(cluster.status, 0, "\(hosts)×\(perHost): \(cluster.stdout)\(cluster.stderr)")
            XCTAssertTrue(cluster.stdout.contains("collectives ok (\(ranks) ranks)"), cluster.stdout)
            XCTAssertEqual(cluster.stdout, local.stdout, "\(hosts) hosts × \(perHost) differ from \(ranks) ranks on one host")
            // the 4 MB non-blocking allreduce alone moves megabytes through host 2's link
            XCTAssertGreaterThan(bridged, 4_000_000, "\(hosts)×\(perHost): ranks did not talk over the bridge")
        }
    }

    func testDoctorSeesEveryNamespaceAsAHost() throws {
        let twoByTwo = try NamespaceCluster.run(hosts: 2, perHost: 2, product: "n2d-mpi", ["doctor"])
        XCTAssertEqual(twoByTwo.status, 0, twoByTwo.stderr)
        XCTAssertTrue(twoByTwo.stdout.contains("4 ranks on 2 hosts"), twoByTwo.stdout)
        let hostOfRank = twoByTwo.stdout.split(separator: "\n").filter { $0.hasPrefix("rank ") }
            .map { $0.split(separator: " ")[3] }
        XCTAssertEqual(hostOfRank, ["n2d-h1", "n2d-h1", "n2d-h2", "n2d-h2"], "ranks are placed in blocks per host")
        XCTAssertTrue(twoByTwo.stdout.contains("BLAS threads 1"), "two ranks on a host share its cores")

        let fourByOne = try NamespaceCluster.run(hosts: 4, perHost: 1, product: "n2d-mpi", ["doctor"])
        XCTAssertEqual(fourByOne.status, 0, fourByOne.stderr)
        XCTAssertTrue(fourByOne.stdout.contains("4 ranks on 4 hosts"), fourByOne.stdout)
    }

    /// Host 2 drops off the network while every rank is inside allreduces: the ranks of host 1 end
    /// with the watchdog's message after the collective timeout, and mpirun gives up on host 2's daemon
    /// once TCP does (tcp_retries2 = 5 in the namespaces, about 13 s), all well within the bound.
    func testLinkCutEndsTheJobWithAMessageWithinTheBound() throws {
        let timeout = 5
        let job = try soak(environment: ["N2D_COLLECTIVE_TIMEOUT": "\(timeout)"])
        try NamespaceCluster.cutLink(host: 2)
        defer { _ = try? ProcessRunner.run("/bin/sh", ["-c", "ip link set n2d-v2 up"]) }
        let cut = Date()
        let status = job.waitForExit(timeout: 90)
        let seconds = Date().timeIntervalSince(cut)
        XCTAssertNotNil(status, "the job still ran 90 s after host 2 was cut off: it hangs")
        XCTAssertNotEqual(status, 0)
        XCTAssertLessThan(seconds, 60, "the job ended \(Int(seconds)) s after the cut; bound: timeout + TCP give-up (~13 s) + slack")
        for rank in [0, 1] {
            XCTAssertTrue(job.stderr.contains("error on rank \(rank) (host n2d-h1): MPI_Allreduce in stage 'soak' "
                                              + "did not complete within \(timeout) s"), job.stderr)
        }
    }

    /// Host 2 dies (its daemon and ranks killed): Open MPI notices the closed connections at once and
    /// ends the job, naming the lost host.
    func testKilledHostEndsTheJobAndNamesIt() throws {
        let job = try soak(environment: [:])
        try NamespaceCluster.killProcesses(host: 2)
        let killed = Date()
        let status = job.waitForExit(timeout: 60)
        XCTAssertNotNil(status, "the job still ran 60 s after host 2 died: it hangs")
        XCTAssertNotEqual(status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(killed), 30)
        XCTAssertTrue(job.stderr.contains("n2d-h2"), "the message names the lost host: \(job.stderr)")
    }

    /// Host 2 dies while `n2d-mpi train` runs on 2 hosts: the job ends promptly, the checkpoint that
    /// rank 0 (host 1) wrote survives, and `train --resume` on the remaining host finishes the epochs.
    func testKilledHostDuringTrainingThenResumeOnTheRemainingHostFinishes() throws {
        let dir = TestPaths.temporaryDirectory("cluster-resume").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = ["train", "--input", TestPaths.imdbCSV.path, "--max-rows", "1200", "--epochs", "8",
                     "--hidden", "64,32", "--blas-threads", "1", "--output-dir", dir]
        let job = try BackgroundJob(NamespaceCluster.scripts.appendingPathComponent("mpirun-netns").path,
                                    NamespaceCluster.arguments(hosts: 2, perHost: 1, product: "n2d-mpi", train))
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: dir + "/model.ckpt") && Date() < deadline { usleep(100_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/model.ckpt"), "no checkpoint after 120 s: \(job.stderr)")
        try NamespaceCluster.killProcesses(host: 2)
        let killed = Date()
        let status = job.waitForExit(timeout: 60)
        XCTAssertNotNil(status, "training still ran 60 s after host 2 died: it hangs")
        XCTAssertNotEqual(status, 0)
        XCTAssertLessThan(Date().timeIntervalSince(killed), 30)

        let resumed = try NamespaceCluster.run(hosts: 1, perHost: 1, product: "n2d-mpi", train + ["--resume"], timeout: 300)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resumed after epoch"), resumed.stderr)
        let history = try String(contentsOfFile: dir + "/history.csv", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(history.count, 1 + 8, "history.csv must hold all 8 epochs")
    }

    /// Starts `collectives-check soak` on 2 hosts × 2 ranks and returns once its allreduces run.
    private func soak(environment: [String: String]) throws -> BackgroundJob {
        let job = try BackgroundJob(NamespaceCluster.scripts.appendingPathComponent("mpirun-netns").path,
                                    NamespaceCluster.arguments(hosts: 2, perHost: 2, environment: Array(environment.keys),
                                                               product: "collectives-check", ["soak", "120"]),
                                    environment: environment)
        guard job.waitForOutput("soak: started", timeout: 60) else {
            throw ClusterError("the soak job did not start: \(job.stdout)\(job.stderr)")
        }
        return job
    }

    /// Bytes received by host `host` from the bridge so far.
    private func bridgeBytes(host: Int) throws -> Int {
        let text = try String(contentsOfFile: "/sys/class/net/n2d-v\(host)/statistics/tx_bytes", encoding: .utf8)
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
