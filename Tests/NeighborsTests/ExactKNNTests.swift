import LinearAlgebra
import Neighbors
import TestSupport
import XCTest

final class ExactKNNTests: XCTestCase {
    /// Distances and order of a plain double loop, for rows `queries`.
    private func bruteForce(_ x: Matrix, queries: Range<Int>, k: Int, metric: NeighborMetric) -> [[(Int, Double)]] {
        func distance(_ i: Int, _ j: Int) -> Double {
            let a = x.row(i).map(Double.init), b = x.row(j).map(Double.init)
            switch metric {
            case .euclidean: return zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            case .cosine:
                let dot = zip(a, b).map { $0 * $1 }.reduce(0, +)
                let na = a.map { $0 * $0 }.reduce(0, +).squareRoot(), nb = b.map { $0 * $0 }.reduce(0, +).squareRoot()
                return 1 - dot / (na * nb)
            }
        }
        return queries.map { i in
            [(i, 0.0)] + (0..<x.rows).filter { $0 != i }.map { ($0, distance(i, $0)) }.sorted { $0.1 < $1.1 }.prefix(k - 1)
        }
    }

    func testMatchesABruteForceLoopForBothMetrics() {
        let blobs = SyntheticBlobs(rows: 700, dims: 7, clusters: 4, separation: 3, seed: 5)
        let x = Matrix(rows: blobs.rows, cols: blobs.dims, storage: blobs.values)
        for metric in NeighborMetric.allCases {
            let queries = 123..<611
            let graph = ExactKNN.search(x, queries: queries, k: 9, metric: metric, threads: 2)
            let expected = bruteForce(x, queries: queries, k: 9, metric: metric)
            XCTAssertEqual(graph.rows, queries)
            for (r, row) in expected.enumerated() {
                XCTAssertEqual(graph.indices[r * 9..<(r + 1) * 9].map(Int.init), row.map(\.0), "\(metric) row \(queries.lowerBound + r)")
                for (s, pair) in row.enumerated() {
                    XCTAssertEqual(Double(graph.distances[r * 9 + s]), pair.1, accuracy: 2e-3, "\(metric) row \(r) slot \(s)")
                }
            }
        }
    }

    func testThePointItselfComesFirstEvenAmongDuplicates() {
        let x = Matrix([[1, 1], [1, 1], [1, 1], [5, 5], [9, 9]])
        let graph = ExactKNN.search(x, queries: 0..<5, k: 3, metric: .euclidean)
        for r in 0..<5 {
            XCTAssertEqual(Int(graph.indices[r * 3]), r)
            XCTAssertEqual(graph.distances[r * 3], 0)
        }
        XCTAssertEqual(Set(graph.indices[3..<6].map(Int.init)), [0, 1, 2])
    }
}
