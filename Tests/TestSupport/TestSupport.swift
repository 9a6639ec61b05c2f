import Foundation

/// Paths and process helpers shared by the test targets.
public enum TestPaths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// `../shared` beside the package root (golden values and the IMDB CSV).
    public static var shared: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }

    /// A file in `../shared/golden`.
    public static func golden(_ name: String) -> URL { shared.appendingPathComponent("golden/\(name)") }

    /// The IMDB CSV in `../shared/data`.
    public static var imdbCSV: URL { shared.appendingPathComponent("data/IMDB Dataset.csv") }

    /// An executable product built in the same configuration as the tests.
    public static func product(_ name: String) -> URL {
        #if DEBUG
        let config = "debug"
        #else
        let config = "release"
        #endif
        return packageRoot.appendingPathComponent(".build/\(config)/\(name)")
    }

    /// A fresh empty temporary directory.
    public static func temporaryDirectory(_ label: String = "n2d-test") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The outcome of a child process.
public struct ProcessResult {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// True when the process was killed for running past its time limit.
    public var timedOut: Bool
    public var seconds: Double
}

/// Runs child processes with a time limit.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, killing it after `timeout` seconds.
    public static func run(_ executable: String, _ arguments: [String], timeout: Double = 120,
                           environment extra: [String: String] = [:]) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let outURL = TestPaths.temporaryDirectory("proc").appendingPathComponent("out")
        let errURL = outURL.deletingLastPathComponent().appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let start = Date()
        try process.run()
        var timedOut = false
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                timedOut = true
                kill(-process.processIdentifier, SIGKILL)
                process.terminate()
                kill(process.processIdentifier, SIGKILL)
                break
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outURL.deletingLastPathComponent())
        return ProcessResult(status: process.terminationStatus, stdout: out, stderr: err, timedOut: timedOut,
                             seconds: Date().timeIntervalSince(start))
    }

    /// Runs a built product under `mpirun -np ranks` (oversubscribed, root allowed).
    public static func mpirun(ranks: Int, product: String, _ arguments: [String], timeout: Double = 180,
                              environment: [String: String] = [:]) throws -> ProcessResult {
        var env = environment
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
        let args = ["-np", String(ranks), "--oversubscribe", "--bind-to", "none",
                    TestPaths.product(product).path] + arguments
        return try run("/usr/bin/mpirun", args, timeout: timeout, environment: env)
    }
}
