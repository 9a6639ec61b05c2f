import Foundation
import TestSupport
import XCTest

/// The namespace test cluster of Scripts/cluster (hosts n2d-h1..n2d-hN on a bridge, TCP between
/// them), driven from the tests. Needs root (CI runs as root); elsewhere the tests skip and say why.
enum NamespaceCluster {
    static let scripts = TestPaths.packageRoot.appendingPathComponent("Scripts/cluster")

    /// Throws XCTSkip unless this process may create network namespaces: not root, or no `ip` (which
    /// Scripts/setup.sh does not install), is a machine that truly lacks them, in CI too.
    static func requireRoot() throws {
        guard getuid() == 0 else { throw XCTSkip("the namespace cluster needs root (CAP_NET_ADMIN); CI runs as root") }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip")
        else { throw XCTSkip("the namespace cluster needs iproute2 (`ip`)") }
    }

    /// Creates `hosts` hosts with `slots` ranks each (tearing down any previous cluster).
    static func up(hosts: Int, slots: Int = 2) throws {
        let result = try ProcessRunner.run(scripts.appendingPathComponent("up.sh").path, ["\(hosts)", "\(slots)"], timeout: 60)
        guard result.status == 0 else {
            throw ClusterError("up.sh \(hosts) failed (\(result.status)): \(result.stderr)")
        }
    }

    /// Removes every namespace, link and generated file of the cluster.
    static func down() {
        _ = try? ProcessRunner.run(scripts.appendingPathComponent("down.sh").path, [], timeout: 60)
    }

    /// The arguments of `mpirun-netns` that run `product` on `hosts` × `perHost` ranks.
    static func arguments(hosts: Int, perHost: Int, environment: [String] = [], product: String, _ arguments: [String]) -> [String] {
        ["--hosts", "\(hosts)", "--per-host", "\(perHost)"] + environment.flatMap { ["-x", $0] }
            + [TestPaths.product(product).path] + arguments
    }

    /// Runs `product` on the cluster and waits for it (killed after `timeout` seconds).
    static func run(hosts: Int, perHost: Int, product: String, _ args: [String], timeout: Double = 180,
                    environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.run(scripts.appendingPathComponent("mpirun-netns").path,
                              arguments(hosts: hosts, perHost: perHost, environment: Array(environment.keys),
                                        product: product, args),
                              timeout: timeout, environment: environment)
    }

    /// Cuts host `host` off the bridge (its link goes down, as when a cable or switch port fails).
    static func cutLink(host: Int) throws {
        try shell("ip link set n2d-v\(host) down")
    }

    /// Kills every process of host `host` (its MPI daemon and ranks), as when the machine dies.
    static func killProcesses(host: Int) throws {
        try shell("kill -KILL $(ip netns pids n2d-h\(host))")
    }

    private static func shell(_ command: String) throws {
        let result = try ProcessRunner.run("/bin/sh", ["-c", command], timeout: 30)
        guard result.status == 0 else { throw ClusterError("`\(command)` failed: \(result.stderr)") }
    }
}

struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A child process that runs while the test acts on it: its output goes to files that the test polls.
final class BackgroundJob {
    private let process = Process()
    private let directory = TestPaths.temporaryDirectory("job")
    private var outURL: URL { directory.appendingPathComponent("out") }
    private var errURL: URL { directory.appendingPathComponent("err") }

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The process id of the job (for mpirun: the parent of the ranks it started on this machine).
    var processIdentifier: Int32 { process.processIdentifier }

    var stdout: String { (try? String(contentsOf: outURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: errURL, encoding: .utf8)) ?? "" }

    /// Waits until standard output contains `text`; false after `timeout` seconds or if the job ended.
    func waitForOutput(_ text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stdout.contains(text) { return true }
            if !process.isRunning { return false }
            usleep(100_000)
        }
        return false
    }

    /// Waits for the job to end; returns its exit status, or nil if it still runs after `timeout`
    /// seconds (then it is killed).
    func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(100_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }
}
