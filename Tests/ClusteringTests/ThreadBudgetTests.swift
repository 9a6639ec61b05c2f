import Clustering
import Evaluation
import LinearAlgebra
import XCTest

/// The thread budget a stage passes down changes how fast, never what: KMeans, the mixture, DBSCAN,
/// the eps knee and the silhouette give the same bits on 1 and 3 threads (chunks are fixed by the
/// row count and merged in chunk order).
final class ThreadBudgetTests: XCTestCase {
    func testResultsDoNotDependOnTheThreadCount() throws {
        // More rows than one chunk (4,096) so that several threads really share the work.
        let (points, _) = Fixtures.blobs(centers: [[0, 0, 0], [6, 0, 1], [0, 7, -2], [5, 5, 5]], perBlob: 1_500, spread: 1.2, seed: 5)
        let one = try KMeans(clusters: 4, initializations: 2, seed: 9, threads: 1).fit(points: points)
        let three = try KMeans(clusters: 4, initializations: 2, seed: 9, threads: 3).fit(points: points)
        XCTAssertEqual(one.labels, three.labels)
        XCTAssertEqual(one.inertia.bitPattern, three.inertia.bitPattern)

        let gmmOne = try GaussianMixture(components: 4, seed: 9, threads: 1).fit(points: points)
        let gmmThree = try GaussianMixture(components: 4, seed: 9, threads: 3).fit(points: points)
        XCTAssertEqual(gmmOne.labels, gmmThree.labels)
        XCTAssertEqual(gmmOne.logLikelihood.bitPattern, gmmThree.logLikelihood.bitPattern)

        let kneeOne = try EpsilonEstimate.knee(points, minSamples: 10, threads: 1)
        let kneeThree = try EpsilonEstimate.knee(points, minSamples: 10, threads: 3)
        XCTAssertEqual(kneeOne.eps.bitPattern, kneeThree.eps.bitPattern)
        XCTAssertEqual(try DBSCAN(eps: kneeOne.eps, minSamples: 10, threads: 1).fit(points).labels,
                       try DBSCAN(eps: kneeOne.eps, minSamples: 10, threads: 3).fit(points).labels)

        let s1 = Silhouette.score(points: points, labels: one.labels, sampleSize: 2_000, threads: 1)
        let s3 = Silhouette.score(points: points, labels: one.labels, sampleSize: 2_000, threads: 3)
        XCTAssertEqual(s1.map(\.bitPattern), s3.map(\.bitPattern))
    }
}
