import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// The real `n2d-mpi map --method tsne` under mpirun on the golden blobs: 1 and 2 ranks give the same
/// KL divergence (to 1e-3, the bound) and in fact the same map, and the artifacts are written.
final class TSNEMapCommandTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws { directory = TestPaths.temporaryDirectory("tsne-map") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// (KL printed, map.npy) of `n2d-mpi map` at `ranks` ranks.
    private func map(ranks: Int, _ extra: [String] = []) throws -> (Double, Matrix, String) {
        let out = directory.appendingPathComponent("np\(ranks)").path
        let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi", [
            "map", "--method", "tsne", "--input", GoldenManifold.url("blobs_3000x10.npy").path, "--output-dir", out,
            "--labels", GoldenManifold.url("blobs_labels.npy").path, "--quiet",
        ] + extra, timeout: 300)
        XCTAssertEqual(result.status, 0, result.stderr)
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("KL divergence: ") }
        let kl = line.flatMap { Double($0.dropFirst("KL divergence: ".count)) }
        XCTAssertNotNil(kl, result.stdout)
        XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/map.png"))
        return (kl ?? .nan, try NPY.readMatrix(path: out + "/map.npy"), result.stdout)
    }

    func testOneAndTwoRanksGiveTheSameKL() throws {
        let (kl1, map1, out1) = try map(ranks: 1)
        let (kl2, map2, _) = try map(ranks: 2)
        print("tsne map np 1: KL \(kl1); np 2: KL \(kl2); maps identical: \(map1 == map2)\n\(out1)")
        XCTAssertEqual(map1.rows, 3000)
        XCTAssertEqual(map1.cols, 2)
        XCTAssertEqual(kl1, kl2, accuracy: 1e-3, "np 1 and np 2 KL")
        // Stronger, and what the module promises: the run does not depend on the rank count at all.
        let differing = (0..<min(map1.rows, map2.rows)).filter { map1.row($0) != map2.row($0) }.count
        XCTAssertEqual(differing, 0, "np 1 and np 2 maps are identical (\(differing) rows differ)")
    }

    func testOneAndTwoRanksGiveTheSameFFTMap() throws {
        let (kl1, map1, out1) = try map(ranks: 1, ["--tsne-method", "fft"])
        let (kl2, map2, _) = try map(ranks: 2, ["--tsne-method", "fft"])
        print("tsne map fft np 1: KL \(kl1); np 2: KL \(kl2); maps identical: \(map1 == map2)\n\(out1)")
        XCTAssertTrue(out1.contains("repulsion: fft"), out1)
        XCTAssertEqual(kl1, kl2, accuracy: 1e-3, "np 1 and np 2 KL (fft)")
        // Every rank computes the same grid from the same positions: the maps are identical too.
        let differing = (0..<min(map1.rows, map2.rows)).filter { map1.row($0) != map2.row($0) }.count
        XCTAssertEqual(differing, 0, "np 1 and np 2 fft maps are identical (\(differing) rows differ)")
    }

    func testBadSettingsAreReportedBeforeWork() throws {
        let result = try ProcessRunner.mpirun(ranks: 2, product: "n2d-mpi", [
            "map", "--method", "tsne", "--input", GoldenManifold.url("swiss_roll_t.npy").path,
            "--output-dir", directory.path, "--perplexity", "5000",
        ], timeout: 60)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("perplexity"), result.stderr)
    }
}
