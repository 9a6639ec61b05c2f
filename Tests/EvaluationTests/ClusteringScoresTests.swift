import Randomness
import Clustering
import Evaluation
import Foundation
import LinearAlgebra
import TestSupport
import XCTest

final class ClusteringScoresTests: XCTestCase {
    /// ACC, NMI and ARI agree with scikit-learn's values in ../shared/golden/clustering_metrics.json.
    func testScoresEqualScikitLearnGolden() throws {
        let data = try Data(contentsOf: TestPaths.golden("clustering_metrics.json"))
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        let cases = try XCTUnwrap(document["cases"] as? [[String: Any]])
        XCTAssertEqual(cases.count, 3)
        for (n, item) in cases.enumerated() {
            let truth = try XCTUnwrap(item["truth"] as? [Int]), predicted = try XCTUnwrap(item["pred"] as? [Int])
            let nmi = try XCTUnwrap(item["nmi"] as? Double), ari = try XCTUnwrap(item["ari"] as? Double)
            let acc = try XCTUnwrap(item["acc"] as? Double)
            XCTAssertEqual(ClusteringScores.normalizedMutualInformation(truth: truth, predicted: predicted), nmi, accuracy: 1e-9, "case \(n) NMI")
            XCTAssertEqual(ClusteringScores.adjustedRandIndex(truth: truth, predicted: predicted), ari, accuracy: 1e-9, "case \(n) ARI")
            XCTAssertEqual(ClusteringScores.accuracy(truth: truth, predicted: predicted), acc, accuracy: 1e-9, "case \(n) ACC")
        }
    }

    /// The edge cases scikit-learn defines: identical partitions, renamed labels, single groups.
    func testScoresOnDegenerateLabelings() {
        let truth = [0, 0, 1, 1, 2, 2]
        let renamed = [5, 5, -1, -1, 7, 7]
        XCTAssertEqual(ClusteringScores.adjustedRandIndex(truth: truth, predicted: renamed), 1)
        XCTAssertEqual(ClusteringScores.normalizedMutualInformation(truth: truth, predicted: renamed), 1, accuracy: 1e-12)
        XCTAssertEqual(ClusteringScores.accuracy(truth: truth, predicted: renamed), 1)
        let one = [3, 3, 3, 3, 3, 3]
        XCTAssertEqual(ClusteringScores.normalizedMutualInformation(truth: one, predicted: one), 1)
        XCTAssertEqual(ClusteringScores.adjustedRandIndex(truth: one, predicted: one), 1)
        XCTAssertEqual(ClusteringScores.normalizedMutualInformation(truth: truth, predicted: one), 0)
        XCTAssertEqual(ClusteringScores.accuracy(truth: truth, predicted: one), 2.0 / 6.0, accuracy: 1e-12)
    }

    /// Silhouette equals scikit-learn's `silhouette_score` on a small hand-made set (values computed
    /// with scikit-learn 1.9.1); noise rows (label −1) are left out.
    func testSilhouetteMatchesScikitLearn() throws {
        let points = Matrix([[0, 0], [0, 1], [1, 0], [4, 4], [4, 5], [5, 4.5], [9, 0], [2, 2]])
        let withSingleton = try XCTUnwrap(Silhouette.score(points: points, labels: [0, 0, 0, 1, 1, 1, 2, 0]))
        XCTAssertEqual(withSingleton, 0.6075899861365551, accuracy: 1e-9)
        let withNoise = try XCTUnwrap(Silhouette.score(points: points, labels: [0, 0, 0, 1, 1, 1, -1, 0]))
        XCTAssertEqual(withNoise, 0.6943885555846344, accuracy: 1e-9)
        XCTAssertNil(Silhouette.score(points: points, labels: [Int](repeating: 0, count: 8)))
    }

    /// A sampled silhouette is reproducible for a seed and close to the exact value.
    func testSampledSilhouetteIsSeededAndCloseToExact() throws {
        var generator = SeededGenerator(seed: 5)
        var rows: [[Float]] = [], labels: [Int] = []
        for i in 0..<3000 {
            let c = i % 3
            rows.append([Float(c * 4) + Float(generator.nextUnit()), Float(generator.nextUnit())])
            labels.append(c)
        }
        let points = Matrix(rows)
        let exact = try XCTUnwrap(Silhouette.score(points: points, labels: labels, sampleSize: 10_000))
        let sampled = try XCTUnwrap(Silhouette.score(points: points, labels: labels, sampleSize: 800, seed: 1))
        XCTAssertEqual(sampled, try XCTUnwrap(Silhouette.score(points: points, labels: labels, sampleSize: 800, seed: 1)))
        XCTAssertEqual(sampled, exact, accuracy: 0.02)
    }
}
