import Clustering
import LinearAlgebra
import XCTest

final class DBSCANTests: XCTestCase {
    /// Core, border and noise on a hand-made line of points: min_samples counts the point itself,
    /// a point at exactly eps is a neighbour, clusters are numbered by their lowest core row, and a
    /// border point between two clusters joins the lower-numbered one.
    func testCoreBorderAndNoiseOnHandMadePoints() throws {
        let points = Matrix([
            [10, 0], [10.5, 0], [11, 0],          // rows 0–2: cluster B (row 0 border, 1–2 core)
            [0, 0], [0.5, 0], [1, 0], [1.5, 0],   // rows 3–6: cluster A (rows 4–5 core)
            [50, 50],                             // row 7: noise
            [5.75, 0],                            // row 8: noise, far from both
            [11.5, 0],                            // row 9: border of B (itself and row 2 only)
        ])
        let result = try DBSCAN(eps: 0.5, minSamples: 3).fit(points)
        XCTAssertEqual(result.isCore, [false, true, true, false, true, true, false, false, false, false])
        XCTAssertEqual(result.labels, [0, 0, 0, 1, 1, 1, 1, -1, -1, 0])
        XCTAssertEqual(result.clusterCount, 2)
        XCTAssertEqual(result.sizes, [4, 4])
        XCTAssertEqual(result.noiseShare, 0.2, accuracy: 1e-12)

        // A border point (x = 1, three points within eps 1) between two chains of cores joins the
        // cluster numbered first, whichever chain comes first in row order.
        let left = stride(from: -3.0, through: 0.0, by: 0.25).map { [Float($0)] }
        let right = stride(from: 2.0, through: 5.0, by: 0.25).map { [Float($0)] }
        for rows in [right + [[1]] + left, left + [[1]] + right] {
            let shared = try DBSCAN(eps: 1, minSamples: 5).fit(Matrix(rows))
            XCTAssertFalse(shared.isCore[13])
            XCTAssertEqual(shared.labels[13], 0)
            XCTAssertEqual(shared.labels[0], 0)
            XCTAssertEqual(shared.labels[14], 1)
            XCTAssertEqual(shared.clusterCount, 2)
        }

        XCTAssertEqual(try DBSCAN(eps: 0.1, minSamples: 1).fit(Matrix([[0], [1], [1]])).labels, [0, 1, 1])
        XCTAssertEqual(try DBSCAN(eps: 0.1, minSamples: 5).fit(Matrix([[0], [1]])).labels, [-1, -1])
        XCTAssertThrowsError(try DBSCAN(eps: 0, minSamples: 5).fit(points)) { XCTAssertTrue("\($0)".contains("eps")) }
        XCTAssertThrowsError(try DBSCAN(eps: 1, minSamples: 0).fit(points)) { XCTAssertTrue("\($0)".contains("min_samples")) }
    }

    /// On random blobs with noise (2–6 dimensions, duplicates included) the kd-tree DBSCAN gives
    /// exactly the labels of a brute-force O(N²) DBSCAN with the same numbering rules: the same core
    /// set, the same partition of the core points, and the same border assignment.
    func testMatchesBruteForceOnRandomData() throws {
        for (trial, dims) in [2, 3, 5, 6].enumerated() {
            var points = Fixtures.blobsWithNoise(dims: dims, blobs: 4, perBlob: 150, noise: 120, seed: UInt64(trial + 1))
            points.storage += points.row(7) + points.row(7)      // exact duplicates
            points.reshape(rows: points.rows + 2, cols: dims)
            for (eps, minSamples) in [(Float(0.8), 5), (Float(1.5), 12), (Float(0.4), 2)] {
                let fast = try DBSCAN(eps: eps, minSamples: minSamples).fit(points)
                let brute = bruteForce(points, eps: eps, minSamples: minSamples)
                XCTAssertEqual(fast.isCore, brute.isCore, "dims \(dims) eps \(eps)")
                XCTAssertEqual(fast.labels, brute.labels, "dims \(dims) eps \(eps)")
            }
        }
    }

    /// Dense data where whole kd-tree nodes fall inside each ball (the shortcut path) still gives
    /// one cluster with every point core.
    func testDenseBallsUseWholeNodesCorrectly() throws {
        let (points, _) = Fixtures.blobs(centers: [[0, 0, 0], [3, 3, 3]], perBlob: 2000, spread: 0.3, seed: 3)
        let result = try DBSCAN(eps: 1.5, minSamples: 10).fit(points)
        let brute = bruteForce(points, eps: 1.5, minSamples: 10)
        XCTAssertEqual(result.labels, brute.labels)
        XCTAssertEqual(result.clusterCount, brute.labels.max()! + 1)
    }

    /// `--dbscan-eps auto` finds an eps that separates well-spread blobs from uniform noise.
    func testAutoEpsSeparatesBlobsFromNoise() throws {
        let points = Fixtures.blobsWithNoise(dims: 5, blobs: 5, perBlob: 400, noise: 100, seed: 9)
        let choice = try EpsilonEstimate.knee(points, minSamples: 20)
        XCTAssertGreaterThan(choice.eps, 0)
        let result = try DBSCAN(eps: choice.eps, minSamples: 20).fit(points)
        XCTAssertEqual(result.clusterCount, 5)
        XCTAssertLessThan(result.noiseShare, 0.15)
        XCTAssertThrowsError(try EpsilonEstimate.knee(points, minSamples: 1))
    }

    /// The kd-tree's counts and k-th neighbour distances equal brute force.
    func testKDTreeQueriesMatchBruteForce() {
        let points = Fixtures.blobsWithNoise(dims: 4, blobs: 3, perBlob: 100, noise: 50, seed: 4)
        let tree = KDTree(points, leafSize: 4)
        points.storage.withUnsafeBufferPointer { x in
            for i in stride(from: 0, to: points.rows, by: 7) {
                let distances = (0..<points.rows).map { Fixtures.squaredDistance(points, i, $0).squareRoot() }.sorted()
                let query = x.baseAddress! + i * points.cols
                XCTAssertEqual(tree.count(within: 1, of: query), distances.filter { $0 <= 1 }.count)
                XCTAssertEqual(tree.kthNearestDistance(to: query, k: 10), distances[9], accuracy: 1e-5)
                var found: [Int] = []
                tree.forEach(within: 2, of: query) { found.append($0) }
                XCTAssertEqual(Set(found), Set((0..<points.rows).filter { Fixtures.squaredDistance(points, i, $0) <= 4 }))
            }
        }
    }

    /// DBSCAN by definition: neighbour counts by all pairs, clusters by breadth-first search from
    /// each unlabelled core in row order (scikit-learn's loop), so border points go to the first
    /// cluster that reaches them.
    private func bruteForce(_ points: Matrix, eps: Float, minSamples: Int) -> (isCore: [Bool], labels: [Int]) {
        let n = points.rows, eps2 = eps * eps
        let neighbours = (0..<n).map { i in (0..<n).filter { Fixtures.squaredDistance(points, i, $0) <= eps2 } }
        let isCore = neighbours.map { $0.count >= minSamples }
        var labels = [Int](repeating: -1, count: n)
        var next = 0
        for start in 0..<n where isCore[start] && labels[start] == -1 {
            labels[start] = next
            var queue = [start]
            while let i = queue.popLast() {
                for j in neighbours[i] where labels[j] == -1 {
                    labels[j] = next
                    if isCore[j] { queue.append(j) }
                }
            }
            next += 1
        }
        return (isCore, labels)
    }
}
