import Randomness
import Clustering
import Collectives
import LinearAlgebra
import XCTest

final class KMeansTests: XCTestCase {
    private let centers: [[Double]] = [[0, 0, 0], [6, 0, 1], [0, 7, -2], [5, 5, 5], [-6, 3, 0]]

    /// Inertia never rises from one assignment step to the next, and the result reports the last.
    func testInertiaNeverRises() throws {
        let (points, _) = Fixtures.blobs(centers: centers, perBlob: 400, spread: 2.0, seed: 1)
        for seed: UInt64 in [1, 2, 3] {
            let result = try KMeans(clusters: 7, initializations: 1, seed: seed).fit(points: points)
            XCTAssertGreaterThan(result.inertiaHistory.count, 2)
            for (before, after) in zip(result.inertiaHistory, result.inertiaHistory.dropFirst()) {
                XCTAssertLessThanOrEqual(after, before * (1 + 1e-12))
            }
            XCTAssertEqual(result.inertia, result.inertiaHistory.last!)
            XCTAssertEqual(result.sizes.reduce(0, +), points.rows)
        }
    }

    /// The same seed gives the same centroids, labels and inertia; the best of several
    /// initialisations is no worse than the first; well-separated blobs are recovered exactly.
    func testSeededReproducibleAndRecoversBlobs() throws {
        let (points, truth) = Fixtures.blobs(centers: centers, perBlob: 300, spread: 0.5, seed: 2)
        let a = try KMeans(clusters: 5, initializations: 4, seed: 13).fit(points: points)
        let b = try KMeans(clusters: 5, initializations: 4, seed: 13).fit(points: points)
        XCTAssertEqual(a.centroids, b.centroids)
        XCTAssertEqual(a.labels, b.labels)
        XCTAssertEqual(a.inertia, b.inertia)
        let single = try KMeans(clusters: 5, initializations: 1, seed: 13).fit(points: points)
        XCTAssertLessThanOrEqual(a.inertia, single.inertia)
        // One-to-one correspondence between blobs and clusters.
        var mapping: [Int: Int] = [:]
        for (t, l) in zip(truth, a.labels) {
            if let m = mapping[t] { XCTAssertEqual(m, l) } else { mapping[t] = l }
        }
        XCTAssertEqual(Set(mapping.values).count, 5)
    }

    /// More clusters than rows is refused with a message naming the flag; as many is fine, and
    /// duplicate rows force an empty cluster to be relocated without breaking the result.
    func testClusterCountLimitsAndEmptyClusters() throws {
        let points = Matrix([[0, 0], [0, 0], [0, 0], [1, 1]])
        XCTAssertThrowsError(try KMeans(clusters: 5).fit(points: points)) { XCTAssertTrue("\($0)".contains("--kmeans-clusters")) }
        let result = try KMeans(clusters: 3, initializations: 2).fit(points: points)
        XCTAssertEqual(result.sizes.reduce(0, +), 4)
        XCTAssertEqual(result.inertia, 0, accuracy: 1e-9)
    }
}

final class GaussianMixtureTests: XCTestCase {
    /// The mean log-likelihood never falls across EM steps.
    func testLogLikelihoodNeverFalls() throws {
        let (points, _) = Fixtures.blobs(centers: [[0, 0], [3, 1], [1, 4]], perBlob: 500, spread: 1.2, seed: 4)
        let result = try GaussianMixture(components: 4, maxIterations: 60, tolerance: 1e-10, seed: 3).fit(points: points)
        XCTAssertGreaterThan(result.logLikelihoodHistory.count, 5)
        for (before, after) in zip(result.logLikelihoodHistory, result.logLikelihoodHistory.dropFirst()) {
            XCTAssertGreaterThanOrEqual(after, before - 1e-12)
        }
        XCTAssertGreaterThanOrEqual(result.logLikelihood, result.logLikelihoodHistory.last! - 1e-12)
        XCTAssertEqual(result.weights.reduce(0, +), 1, accuracy: 1e-12)
    }

    /// Planted Gaussians with different full covariances are recovered: weights, means and
    /// covariances close to the truth, and labels that agree with the planting.
    func testRecoversPlantedGaussians() throws {
        var generator = SeededGenerator(seed: 8)
        // Component c: mean m_c, covariance A_c A_cᵀ; sizes 1500, 1000, 500.
        let means: [[Double]] = [[0, 0], [8, 2], [2, 9]]
        let factors: [[Double]] = [[1.5, 0, 0.9, 0.6], [0.5, 0, -0.3, 1.2], [1, 0, 0, 0.3]]
        let sizes = [1500, 1000, 500]
        var rows: [[Float]] = [], truth: [Int] = []
        for c in 0..<3 {
            for _ in 0..<sizes[c] {
                let z0 = Fixtures.normal(&generator), z1 = Fixtures.normal(&generator)
                let a = factors[c]
                rows.append([Float(means[c][0] + a[0] * z0 + a[1] * z1), Float(means[c][1] + a[2] * z0 + a[3] * z1)])
                truth.append(c)
            }
        }
        let result = try GaussianMixture(components: 3, initializations: 2, seed: 13).fit(points: Matrix(rows))
        XCTAssertTrue(result.converged)
        for c in 0..<3 {
            // The fitted component nearest the planted mean.
            let fitted = (0..<3).min { j, k in
                distance(means[c], Array(result.means[j * 2..<j * 2 + 2])) < distance(means[c], Array(result.means[k * 2..<k * 2 + 2]))
            }!
            XCTAssertLessThan(distance(means[c], Array(result.means[fitted * 2..<fitted * 2 + 2])), 0.15)
            XCTAssertEqual(result.weights[fitted], Double(sizes[c]) / 3000, accuracy: 0.02)
            let a = factors[c]
            let planted = [a[0] * a[0] + a[1] * a[1], a[0] * a[2] + a[1] * a[3], a[0] * a[2] + a[1] * a[3], a[2] * a[2] + a[3] * a[3]]
            for t in 0..<4 { XCTAssertEqual(result.covariances[fitted * 4 + t], planted[t], accuracy: 0.2) }
            let agreeing = zip(truth, result.labels).filter { $0.0 == c && $0.1 == fitted }.count
            XCTAssertGreaterThan(Double(agreeing) / Double(sizes[c]), 0.97)
        }
    }

    private func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
