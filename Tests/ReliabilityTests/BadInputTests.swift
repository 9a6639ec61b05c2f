import Dispatch
import Foundation
import TestSupport
import XCTest

/// Every case of `BadInputCatalogue` through the real `n2d-mpi run`, as one process and as 2 MPI
/// ranks: a non-zero exit within `timeLimit`, a message naming the problem, and none of the run's
/// artifacts (nor a temporary file of one) left behind.
final class BadInputTests: XCTestCase {
    static let timeLimit = 60.0
    static let forbiddenArtifacts = ["labels.csv", "codes.npy", "umap.npy", "model.ckpt", "history.csv"]

    func testEveryBadInputIsRefusedPromptlyWithAMessageAndNoArtifact() throws {
        try checkAll(BadInputCatalogue.cases)
    }

    /// Every path problem, for every subcommand that reads a file, is named with the path.
    func testEveryPathProblemIsNamedForEverySubcommand() throws {
        try checkAll(BadInputCatalogue.pathCases)
    }

    private func checkAll(_ cases: [BadInputCase]) throws {
        let runs = cases.flatMap { c in [1, 2].map { (c, $0) } }
        let failures = FailureList()
        // A few runs at once keep the catalogue short on 2 cores; each run is independent (own folder).
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            let (badInput, ranks) = runs[i]
            if let problem = Self.check(badInput, ranks: ranks) { failures.append("\(badInput.name) at np \(ranks): \(problem)") }
        }
        XCTAssertTrue(failures.items.isEmpty, failures.items.sorted().joined(separator: "\n\n"))
        print("bad-input catalogue: \(cases.count) cases, \(runs.count) runs, \(failures.items.count) failed")
    }

    /// Invalid UTF-8 is not an error (docs/DATA.md): each bad sequence becomes U+FFFD and is counted,
    /// the count the same on 1 and 2 ranks.
    func testInvalidUTF8IsReplacedAndCounted() throws {
        for ranks in [1, 2] {
            let dir = TestPaths.temporaryDirectory("bad-utf8").path
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var bytes = Array("review,sentiment\n".utf8)
            for i in 0..<40 { bytes += Array("\"great film ".utf8) + [0xFF, 0xC3] + Array(" acting \(i % 5) story\",positive\n".utf8) }
            try BadInputCatalogue.write(bytes, dir + "/reviews.csv")
            let arguments = ["run"] + BadInputCatalogue.fast + ["--input", dir + "/reviews.csv", "--output-dir", dir + "/out"]
            let result = ranks == 1
                ? try ProcessRunner.run(TestPaths.product("n2d-mpi").path, arguments, timeout: Self.timeLimit)
                : try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi", arguments, timeout: Self.timeLimit)
            XCTAssertEqual(result.status, 0, "np \(ranks): \(result.stderr.suffix(2000))")
            XCTAssertTrue(result.stderr.contains("80 invalid UTF-8 sequences replaced by U+FFFD"), "np \(ranks): \(result.stderr.suffix(2000))")
            let metrics = try String(contentsOfFile: dir + "/out/metrics.json", encoding: .utf8)
            XCTAssertTrue(metrics.contains("\"invalid_utf8_replaced\" : 80"), metrics)
        }
    }

    /// Runs one case; nil when it behaved, else what went wrong.
    static func check(_ badInput: BadInputCase, ranks: Int) -> String? {
        let dir = TestPaths.temporaryDirectory("bad-input").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            var arguments = [badInput.command] + (badInput.command == "run" ? BadInputCatalogue.fast : [])
                + (try badInput.prepare(dir))
            if !arguments.contains("--output-dir") { arguments += ["--output-dir", dir + "/out"] }
            let result = ranks == 1
                ? try ProcessRunner.run(TestPaths.product("n2d-mpi").path, arguments, timeout: timeLimit)
                : try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi", arguments, timeout: timeLimit)
            let output = result.stderr + result.stdout
            if result.timedOut { return "no answer within \(Int(timeLimit)) s (a hang)\n\(output.suffix(2000))" }
            if result.status == 0 { return "accepted (exit 0)\n\(output.suffix(2000))" }
            if !output.contains(badInput.expected) { return "the message lacks '\(badInput.expected)':\n\(output.suffix(2000))" }
            let left = leftovers(in: dir)
            if !left.isEmpty { return "partial artifacts left: \(left)" }
            return nil
        } catch {
            return "could not run: \(error)"
        }
    }

    /// Artifacts of a run, or temporary files of one, anywhere under `directory`.
    static func leftovers(in directory: String) -> [String] {
        let all = FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? []
        return all.filter { path in
            let name = (path as NSString).lastPathComponent
            return forbiddenArtifacts.contains(name) || name.contains(".tmp-")
        }
    }
}

/// Failure messages collected from concurrent runs.
final class FailureList: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var items: [String] = []
    func append(_ item: String) { lock.lock(); items.append(item); lock.unlock() }
}
