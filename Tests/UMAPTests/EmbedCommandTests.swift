import Evaluation
import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// Runs the real `n2d-mpi embed` under mpirun on a generated .npy and compares 1 and 2 ranks.
final class EmbedCommandTests: XCTestCase {
    private var directory: URL!
    private var codes: Matrix!

    override func setUpWithError() throws {
        directory = TestPaths.temporaryDirectory("embed")
        let blobs = SyntheticBlobs(rows: 2500, dims: 10, clusters: 5, separation: 3, seed: 17)
        codes = Matrix(rows: blobs.rows, cols: blobs.dims, storage: blobs.values)
        try AtomicFile.write(NPY.encode(codes), to: directory.appendingPathComponent("codes.npy").path)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// `computing`: the ranks the metrics should name (default: all of them).
    private func embed(ranks: Int, output: String, _ extra: [String], computing: Int? = nil) throws -> (Matrix, [Int64]) {
        let out = directory.appendingPathComponent(output).path
        let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi", [
            "embed", "--codes", directory.appendingPathComponent("codes.npy").path, "--output-dir", out,
            "--umap-neighbors", "15", "--umap-epochs", "150", "--save-knn",
        ] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        let embedding = try NPY.readMatrix(path: out + "/umap.npy")
        let knnBytes = try Data(contentsOf: URL(fileURLWithPath: out + "/knn.npy"))
        let header = try NPY.parseHeader(Array(knnBytes), path: "knn.npy")
        XCTAssertEqual(header.shape, [2500, 15])
        let knn = knnBytes.dropFirst(header.dataOffset).withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/metrics.json"))) as? [String: Any]
        let section = try XCTUnwrap(metrics?["embed"] as? [String: Any])
        XCTAssertEqual(section["ranks"] as? Int, computing ?? ranks)
        XCTAssertNotNil((section["seconds"] as? [String: Any])?["layout"])
        return (embedding, knn)
    }

    func testOneAndTwoRanksGiveEmbeddingsOfEqualQuality() throws {
        let (single, singleKNN) = try embed(ranks: 1, output: "np1", [])
        let (double, doubleKNN) = try embed(ranks: 2, output: "np2", [])
        XCTAssertEqual(single.rows, 2500)
        XCTAssertEqual(single.cols, 5)
        XCTAssertEqual(singleKNN, doubleKNN, "the exact kNN graph does not depend on the rank count")
        let t1 = Trustworthiness.score(original: codes, embedded: single, neighbors: 10, threads: 2)
        let t2 = Trustworthiness.score(original: codes, embedded: double, neighbors: 10, threads: 2)
        XCTAssertGreaterThan(t1, 0.8)
        XCTAssertEqual(t1, t2, accuracy: 0.01)
        let (again, _) = try embed(ranks: 2, output: "np2-again", [])
        XCTAssertEqual(again, double, "a fixed seed and rank count reproduce the embedding")
    }

    func testMoreRanksThanCoresEmbedOnOneRankPerMachineAsOneProcessDoes() throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard cores <= 7 else { throw XCTSkip("needs more ranks than cores; this machine has \(cores) cores") }
        let (single, singleKNN) = try embed(ranks: 1, output: "one", [])
        let (crowded, crowdedKNN) = try embed(ranks: cores + 1, output: "crowded", [], computing: 1)
        XCTAssertEqual(crowdedKNN, singleKNN)
        XCTAssertEqual(crowded, single, "one computing rank with the machine's threads lays out as one process")
    }

    func testApproximateKNNOnTwoRanksRecallsTheExactGraph() throws {
        let (_, exact) = try embed(ranks: 1, output: "exact", ["--umap-epochs", "1"])
        let (_, approximate) = try embed(ranks: 2, output: "approximate", ["--umap-epochs", "1", "--knn", "approximate"])
        var hits = 0
        for r in 0..<2500 {
            let truth = Set(exact[r * 15..<(r + 1) * 15])
            hits += approximate[r * 15..<(r + 1) * 15].filter { truth.contains($0) }.count
        }
        XCTAssertGreaterThanOrEqual(Double(hits) / Double(exact.count), 0.95)
    }

    func testMissingCodesFileIsReportedWithItsPath() throws {
        let result = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", [
            "embed", "--output-dir", directory.appendingPathComponent("empty").path,
        ], timeout: 60)
        XCTAssertFalse(result.timedOut)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("empty/codes.npy"), result.stderr)
    }
}
