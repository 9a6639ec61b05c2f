import Foundation
import Storage
import TestSupport
import XCTest

/// The whole pipeline on a small IMDB slice gives the same results on several hosts over TCP as the
/// same rank count on one host: identical vocabulary, the same training losses (within 1e-4
/// relative), the same codes; and for the same number of ranks computing the UMAP, the same UMAP
/// coordinates (within 1e-4 of their scale) and identical labels.
///
/// Needs root and iproute2 for the namespace hosts (skips otherwise, saying which).
final class PipelineOnClusterTests: XCTestCase {
    /// The pipeline's arguments besides --output-dir: 1,000 reviews, 2 short epochs, one BLAS thread
    /// per rank so that every layout computes with the same kernels.
    static let pipelineArguments = [
        "run", "--input", TestPaths.imdbCSV.path, "--max-rows", "1000", "--epochs", "2", "--blas-threads", "1",
        "--umap-epochs", "100", "--no-plots",
        // The same arithmetic on both layouts: one host would pick the shared-memory path, hosts the gather
        // path; they agree to 1e-6, but UMAP amplifies any difference, so the comparison fixes the path.
        "--comm", "gather",
    ]
    /// Artifacts compared between the layouts (metrics.json holds timings and is only required to exist).
    static let artifacts = ["vocabulary.tsv", "history.csv", "codes.npy", "umap.npy", "labels.csv", "metrics.json"]

    override func setUpWithError() throws {
        try NamespaceCluster.requireRoot()
        try NamespaceCluster.up(hosts: 4, slots: 2)
    }

    override func tearDown() {
        if getuid() == 0 { NamespaceCluster.down() }
        super.tearDown()
    }

    /// Training gives the same results for the same rank count on any placement. The embedding is
    /// the same for the same number of ranks that compute it: 4 ranks on this 2-core host embed on
    /// one rank (more ranks than cores, `EmbedStage`), 2 hosts × 2 and 4 hosts × 1 on 4; so 2 hosts × 2
    /// is compared with np 4 on one host up to the codes, and 4 hosts × 1 with 2 hosts × 2 in full.
    func testPipelineOnTwoAndFourHostsEqualsOneHost() throws {
        var reference: [Int: URL] = [:]
        for ranks in [2, 4] {
            let out = TestPaths.temporaryDirectory("pipeline-local-\(ranks)")
            let result = try ProcessRunner.mpirun(ranks: ranks, product: "n2d-mpi",
                                                  Self.pipelineArguments + ["--output-dir", out.path], timeout: 300)
            XCTAssertEqual(result.status, 0, "np \(ranks) on one host: \(result.stderr)")
            reference[ranks] = out
        }
        var outputs: [String: URL] = [:]
        for (hosts, perHost) in [(2, 1), (2, 2), (4, 1)] {
            let out = TestPaths.temporaryDirectory("pipeline-\(hosts)x\(perHost)")
            let result = try NamespaceCluster.run(hosts: hosts, perHost: perHost, product: "n2d-mpi",
                                                  Self.pipelineArguments + ["--output-dir", out.path], timeout: 300)
            XCTAssertEqual(result.status, 0, "\(hosts) hosts × \(perHost): \(result.stderr)")
            outputs["\(hosts)x\(perHost)"] = out
        }
        defer { (Array(reference.values) + Array(outputs.values)).forEach { try? FileManager.default.removeItem(at: $0) } }
        try assertSameResults(outputs["2x1"]!, reference[2]!, "2 hosts × 1 vs np 2 on one host", embedding: true)
        try assertSameResults(outputs["2x2"]!, reference[4]!, "2 hosts × 2 vs np 4 on one host", embedding: false)
        try assertSameResults(outputs["4x1"]!, outputs["2x2"]!, "4 hosts × 1 vs 2 hosts × 2", embedding: true)
    }

    /// `embedding`: also compare umap.npy and labels.csv (the same number of computing ranks).
    private func assertSameResults(_ cluster: URL, _ local: URL, _ label: String, embedding: Bool) throws {
        for name in Self.artifacts {
            XCTAssertTrue(FileManager.default.fileExists(atPath: cluster.appendingPathComponent(name).path), "\(label): no \(name)")
        }
        func text(_ dir: URL, _ name: String) throws -> String {
            try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        XCTAssertEqual(try text(cluster, "vocabulary.tsv"), try text(local, "vocabulary.tsv"), "\(label): vocabulary")
        if embedding {
            XCTAssertEqual(try text(cluster, "labels.csv"), try text(local, "labels.csv"), "\(label): labels")
        }
        let losses = try [cluster, local].map { try lossColumns(text($0, "history.csv")) }
        XCTAssertEqual(losses[0].count, losses[1].count, "\(label): epochs in history.csv")
        for (a, b) in zip(losses[0], losses[1]) {
            XCTAssertLessThanOrEqual(abs(a - b), 1e-4 * abs(b), "\(label): loss \(a) vs \(b)")
        }
        for name in embedding ? ["codes.npy", "umap.npy"] : ["codes.npy"] {
            let (a, b) = try (NPY.readMatrix(path: cluster.appendingPathComponent(name).path),
                              NPY.readMatrix(path: local.appendingPathComponent(name).path))
            XCTAssertEqual([a.rows, a.cols], [b.rows, b.cols], "\(label): \(name) shape")
            let scale = b.storage.map(abs).max() ?? 0
            let worst = zip(a.storage, b.storage).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-4 * (1 + scale), "\(label): \(name) differs by \(worst)")
        }
    }

    /// The loss and val_loss values of history.csv (columns named by its header), epoch by epoch.
    private func lossColumns(_ csv: String) throws -> [Double] {
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        guard let header = lines.first else { throw ClusterError("history.csv is empty") }
        let columns = header.indices.filter { header[$0] == "loss" || header[$0] == "val_loss" }
        guard !columns.isEmpty else { throw ClusterError("history.csv has no loss column: \(header)") }
        return lines.dropFirst().flatMap { row in columns.compactMap { Double(row[$0]) } }
    }
}
