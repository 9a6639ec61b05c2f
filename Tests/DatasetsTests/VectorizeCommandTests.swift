import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// The real `n2d-mpi vectorize` under mpirun: the same outputs on 1, 2 and 4 ranks; bad input ends
/// every rank with the message and leaves no output.
final class VectorizeCommandTests: XCTestCase {
    private func vectorize(ranks: Int, _ arguments: [String]) throws -> (ProcessResult, URL) {
        let output = TestPaths.temporaryDirectory("vectorize").appendingPathComponent("out")
        let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi",
                                              ["vectorize", "--output-dir", output.path] + arguments)
        return (result, output)
    }

    /// metrics.json's "vectorize" section without the fields that depend on the run (time, ranks).
    private func summary(_ output: URL) throws -> NSDictionary {
        let data = try Data(contentsOf: output.appendingPathComponent("metrics.json"))
        let document = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        var section = document["vectorize"] as! [String: Any]
        section["seconds"] = nil
        section["ranks"] = nil
        return section as NSDictionary
    }

    func testOutputsAreTheSameOn1And2And4Ranks() throws {
        let arguments = ["--input", TestPaths.imdbCSV.path, "--max-rows", "3000", "--max-features", "800", "--validation-rows", "301"]
        let (one, reference) = try vectorize(ranks: 1, arguments)
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertTrue(one.stdout.contains("1500 training"), one.stdout)
        let expected = try summary(reference)
        XCTAssertEqual(expected["columns"] as? Int, 800)
        for ranks in [2, 4] {
            let (run, output) = try vectorize(ranks: ranks, arguments)
            XCTAssertEqual(run.status, 0, run.stderr)
            XCTAssertEqual(try summary(output), expected, "\(ranks) ranks")
            for name in ["vocabulary.tsv", "split_train.txt", "split_test.txt"] {
                XCTAssertEqual(try Data(contentsOf: output.appendingPathComponent(name)),
                               try Data(contentsOf: reference.appendingPathComponent(name)), "\(name) on \(ranks) ranks")
            }
        }
    }

    func testDenseInputIsTheSameOn1And3Ranks() throws {
        let rows = 101, cols = 7
        let matrix = Matrix(rows: rows, cols: cols, storage: (0..<rows * cols).map { Float(($0 * 37) % 101) / 10 })
        let npy = TestPaths.temporaryDirectory("npy").appendingPathComponent("m.npy")
        try Data(NPY.encode(matrix)).write(to: npy)
        let arguments = ["--input", npy.path, "--test-size", "0.3", "--validation-rows", "10", "--seed", "5"]
        let (one, reference) = try vectorize(ranks: 1, arguments)
        XCTAssertEqual(one.status, 0, one.stderr)
        let (three, output) = try vectorize(ranks: 3, arguments)
        XCTAssertEqual(three.status, 0, three.stderr)
        XCTAssertEqual(try summary(output), try summary(reference))
        XCTAssertEqual(try summary(output)["training_rows"] as? Int, 70)
    }

    func testBadInputEndsEveryRankWithTheMessageAndWritesNothing() throws {
        let csv = TestPaths.temporaryDirectory("bad").appendingPathComponent("bad.csv")
        try Data("review,sentiment\n\"fine\",positive\n\"never closed,negative\n".utf8).write(to: csv)
        let (run, output) = try vectorize(ranks: 2, ["--input", csv.path])
        XCTAssertEqual(run.status, 1)
        XCTAssertFalse(run.timedOut)
        XCTAssertTrue(run.stderr.contains("failed in read input: \(csv.path), line 3: unterminated quoted field"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testFewerRowsThanRanks() throws {
        let csv = TestPaths.temporaryDirectory("few").appendingPathComponent("few.csv")
        try Data("review,sentiment\ngood film,positive\nbad film,negative\nfine film,positive\n".utf8).write(to: csv)
        let (run, output) = try vectorize(ranks: 4, ["--input", csv.path, "--test-size", "0"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("3 training rows cannot be shared by 4 ranks; use fewer ranks or more rows"), run.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
    }

    func testUnwritableOutputDirectoryFailsOnEveryRank() throws {
        let csv = TestPaths.temporaryDirectory("out").appendingPathComponent("ok.csv")
        try Data("review,sentiment\ngood film,positive\nbad film,negative\n".utf8).write(to: csv)
        let blocked = csv.path + "/out"  // a folder inside a file
        let result = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi",
                                              ["vectorize", "--input", csv.path, "--output-dir", blocked, "--test-size", "0"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("failed in write vectorize outputs: \(blocked): cannot create the output directory"), result.stderr)
    }

    func testInvalidOptionsAreRefusedWithAHint() throws {
        let result = try ProcessRunner.run(TestPaths.product("n2d-mpi").path,
                                           ["vectorize", "--input", "x.csv", "--output-dir", "/tmp/x", "--test-size", "1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--test-size must be at least 0 and below 1 (got 1.0); use 0 to train on every row."), result.stderr)
    }
}
