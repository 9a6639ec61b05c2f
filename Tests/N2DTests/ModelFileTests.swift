import Autoencoder
import Clustering
import Foundation
import LinearAlgebra
import N2D
import TestSupport
import XCTest

/// The model file: a round trip, and a clear refusal of every file it must not trust.
final class ModelFileTests: XCTestCase {
    private func sampleModel() -> N2DModel {
        let architecture = Architecture(inputWidth: 6, hidden: [4], bottleneck: 2)
        let codes = Matrix(rows: 5, cols: 2, storage: (0..<10).map { Float($0) / 3 })
        let embedding = Matrix(rows: 5, cols: 2, storage: (0..<10).map { Float($0) * 1.5 })
        let clusters = ClusterAssignments(
            kmeans: KMeansAssignment(centroids: Matrix(rows: 2, cols: 2, storage: [0, 0, 5, 5])),
            mixture: MixtureAssignment(weights: [0.4, 0.6], means: [0, 0, 5, 5], covariances: [1, 0, 0, 1, 2, 0.5, 0.5, 2]),
            dbscan: DBSCANAssignment(eps: 0.75, corePoints: Matrix(rows: 2, cols: 2, storage: [0, 1.5, 6, 7.5]), coreLabels: [0, 1]))
        return N2DModel(job: JobConfiguration.resolve(JobOverrides()), architecture: architecture,
                        parameters: (0..<architecture.parameterCount).map { Float($0) * 0.01 }, vocabulary: ["bad", "good", "zebra"],
                        labelNames: ["negative", "positive"], inputRows: 10, trainingCodes: codes, trainingEmbedding: embedding,
                        clusters: clusters)
    }

    private func problem(_ bytes: [UInt8]) -> String? {
        do { _ = try ModelFile.decode(bytes, path: "m") } catch { return "\(error)" }
        return nil
    }

    func testAModelRoundTrips() throws {
        let model = sampleModel()
        let read = try ModelFile.decode(try ModelFile.encode(model), path: "m")
        XCTAssertEqual(read.job, model.job)
        XCTAssertEqual(read.architecture, model.architecture)
        XCTAssertEqual(read.parameters, model.parameters)
        XCTAssertEqual(read.vocabulary, model.vocabulary)
        XCTAssertEqual(read.labelNames, model.labelNames)
        XCTAssertEqual(read.inputRows, 10)
        XCTAssertEqual(read.trainingCodes, model.trainingCodes)
        XCTAssertEqual(read.trainingEmbedding, model.trainingEmbedding)
        XCTAssertEqual(read.clusters.kmeans, model.clusters.kmeans)
        XCTAssertEqual(read.clusters.mixture, model.clusters.mixture)
        XCTAssertEqual(read.clusters.dbscan?.eps, 0.75)
        XCTAssertEqual(read.clusters.dbscan?.coreLabels, [0, 1])
        XCTAssertEqual(read.clusters.dbscan?.corePoints, model.clusters.dbscan?.corePoints)
        XCTAssertEqual(try ModelFile.encode(read), try ModelFile.encode(model), "the same model, the same bytes")
    }

    func testDamagedTruncatedNewerAndForeignFilesAreRefused() throws {
        let bytes = try ModelFile.encode(sampleModel())
        XCTAssertNil(problem(bytes))
        XCTAssertEqual(problem(Array(bytes.dropLast(7)))?.contains("is truncated: section"), true, problem(Array(bytes.dropLast(7))) ?? "")
        XCTAssertEqual(problem(Array(bytes.prefix(30)))?.contains("is truncated"), true)
        var damaged = bytes
        damaged[damaged.count - 3] ^= 0x40
        XCTAssertEqual(problem(damaged)?.contains("is damaged: section"), true, problem(damaged) ?? "")
        var header = bytes
        header[30] ^= 0x01
        XCTAssertEqual(problem(header)?.contains("damaged: its header's checksum"), true, problem(header) ?? "")
        var newer = bytes
        newer[8] = 2
        XCTAssertEqual(problem(newer)?.contains("model format 2, newer than this n2d-mpi reads (up to 1)"), true, problem(newer) ?? "")
        XCTAssertEqual(problem(Array("not a model at all".utf8))?.contains("is not an n2d-mpi model"), true)

        let directory = TestPaths.temporaryDirectory("model").path
        XCTAssertThrowsError(try ModelFile.read(directory: directory)) { XCTAssertTrue("\($0)".contains("is missing"), "\($0)") }
        XCTAssertThrowsError(try ModelFile.read(directory: directory + "/nope")) { XCTAssertTrue("\($0)".contains("is not a directory"), "\($0)") }
    }

    /// Every model format this n2d-mpi has shipped stays readable: a model of each version is kept.
    func testEveryShippedFormatVersionIsRead() throws {
        let fixtures = TestPaths.packageRoot.appendingPathComponent("Tests/N2DTests/Fixtures")
        for version in ModelFile.readableVersions {
            let directory = fixtures.appendingPathComponent("model-v\(version)").path
            let model = try ModelFile.read(directory: directory)
            XCTAssertEqual(model.trainingCodes.rows, model.trainingEmbedding.rows)
            XCTAssertNotNil(model.clusters.kmeans, "version \(version)")
            XCTAssertTrue(ModelFile.describe(model, path: directory).contains("autoencoder:"))
        }
    }
}
