import Collectives
import Foundation
import Isomap
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// Isomap's out-of-sample extension (`Isomap.place`, what `predict` uses): a training row placed
/// gets its own coordinates back, and held-out rows get scikit-learn's `Isomap.transform`, computed
/// here from its definition (geodesic distances through the query's neighbours, the kernel centred
/// with the training kernel's column means, projected on the unit eigenvectors over √λ).
final class IsomapPlacementTests: XCTestCase {
    private func roll() throws -> (Matrix, [Double]) {
        let points = try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_2000x3.npy").path)
        let t = try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_t.npy").path).storage.map { Double($0) }
        return (points, t)
    }

    private func rows(_ m: Matrix, _ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: m.cols, storage: Array(m.storage[range.lowerBound * m.cols..<range.upperBound * m.cols]))
    }

    private func distance(_ a: Matrix, _ i: Int, _ b: Matrix, _ j: Int) -> Double {
        (0..<a.cols).reduce(0.0) { s, c in
            let u = Double(a.storage[i * a.cols + c]) - Double(b.storage[j * b.cols + c])
            return s + u * u
        }.squareRoot()
    }

    /// Row i's k nearest rows of `b` by double distance, ties by index (`skip`: a row left out).
    private func nearest(_ a: Matrix, _ i: Int, in b: Matrix, k: Int, skip: Int? = nil) -> [(Int, Double)] {
        let all = (0..<b.rows).filter { $0 != skip }.map { ($0, distance(a, i, b, $0)) }
        return Array(all.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(k))
    }

    private func largestRelativeDifference(_ a: [Double], _ b: [Double], components: Int) -> Double {
        (0..<components).map { c -> Double in
            let x = stride(from: c, to: a.count, by: components).map { a[$0] }
            let y = stride(from: c, to: b.count, by: components).map { b[$0] }
            let range = x.max()! - x.min()!
            return zip(x, y).map { abs($0 - $1) }.max()! / range
        }.max()!
    }

    func testTrainingRowsArePlacedOntoTheirOwnCoordinatesExactAndLandmark() throws {
        let (points, _) = try roll()
        let world = LocalCommunicator()
        let exact = try Isomap.fit(points: points, neighbors: 10, components: 2, world: world, threads: 2)
        let placed = try Isomap.place(points, training: points, neighbors: 10, placement: exact.placement, world: world, threads: 2)
        let exactDifference = largestRelativeDifference(placed, exact.embedding, components: 2)
        let landmark = try Isomap.fitLandmarks(points: points, neighbors: 10, components: 2, landmarks: 200, world: world,
                                               threads: 2, seed: 13)
        let placedLandmark = try Isomap.place(points, training: points, neighbors: 10, placement: landmark.placement,
                                              world: world, threads: 2)
        let landmarkDifference = largestRelativeDifference(placedLandmark, landmark.embedding, components: 2)
        print("training rows placed: exact max |difference| / range \(exactDifference), landmark \(landmarkDifference)")
        XCTAssertLessThanOrEqual(exactDifference, 1e-6)
        XCTAssertLessThanOrEqual(landmarkDifference, 1e-9)
    }

    func testHeldOutRowsGetScikitLearnsTransform() throws {
        let (points, t) = try roll()
        let n = 1600, k = 10, components = 2
        let training = rows(points, 0..<n), held = rows(points, n..<points.rows)
        let world = LocalCommunicator()
        let fit = try Isomap.fit(points: training, neighbors: k, components: components, world: world, threads: 2)
        XCTAssertEqual(fit.graphComponents, 1)
        let started = Date()
        let placed = try Isomap.place(held, training: training, neighbors: k, placement: fit.placement, world: world, threads: 2)
        let seconds = Date().timeIntervalSince(started)
        let oneThread = try Isomap.place(held, training: training, neighbors: k, placement: fit.placement, world: world, threads: 1)
        XCTAssertEqual(placed, oneThread, "the placement does not depend on the threads")

        // scikit-learn's transform from its definition: G = min over the query's neighbours of
        // (distance + geodesic), kernel −½G², centred with the training kernel, projected.
        let lists = (0..<n).map { i in nearest(training, i, in: training, k: k, skip: i).map { Int32($0.0) } }
        let squared = Isomap.squaredGeodesicDistances(points: training, lists: lists, sources: Array(0..<n), threads: 2)
        var columnMeans = [Double](repeating: 0, count: n)
        for i in 0..<n { for j in 0..<n { columnMeans[j] += -0.5 * squared[i * n + j] / Double(n) } }
        let allMean = columnMeans.reduce(0, +) / Double(n)
        var expected = [Double](repeating: 0, count: held.rows * components)
        for q in 0..<held.rows {
            let seeds = nearest(held, q, in: training, k: k)
            var kernel = (0..<n).map { j -> Double in
                let g = seeds.map { $0.1 + squared[$0.0 * n + j].squareRoot() }.min()!
                return -0.5 * g * g
            }
            let rowMean = kernel.reduce(0, +) / Double(n)
            for j in 0..<n { kernel[j] += -rowMean - columnMeans[j] + allMean }
            for c in 0..<components {
                let lambda = fit.eigenvalues[c]
                var s = 0.0
                for j in 0..<n { s += kernel[j] * fit.embedding[j * components + c] / lambda.squareRoot() }
                expected[q * components + c] = s / lambda.squareRoot()
            }
        }
        let difference = largestRelativeDifference(placed, expected, components: components)
        let rho = abs(IsomapLandmarkTests.spearman((0..<held.rows).map { placed[$0 * components] }, Array(t[n...])))
        print("\(held.rows) held-out rows placed in \(String(format: "%.3f", seconds)) s: max |difference| / range from the transform's definition \(difference), |Spearman| with t \(rho)")
        XCTAssertLessThanOrEqual(difference, 1e-6)
        XCTAssertGreaterThanOrEqual(rho, 0.99)
    }

    func testMismatchedPlacementAndColumnsAreRefused() throws {
        let (points, _) = try roll()
        let training = rows(points, 0..<300)
        let world = LocalCommunicator()
        let fit = try Isomap.fit(points: training, neighbors: 8, components: 2, world: world, threads: 1)
        XCTAssertThrowsError(try Isomap.place(rows(points, 0..<10), training: rows(points, 0..<299), neighbors: 8,
                                              placement: fit.placement, world: world, threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("covers 300 training rows, the model holds 299"), "\(error)")
        }
        let flat = Matrix(rows: 1, cols: 2, storage: [0, 0])
        XCTAssertThrowsError(try Isomap.place(flat, training: training, neighbors: 8, placement: fit.placement, world: world,
                                              threads: 1)) { error in
            XCTAssertTrue("\(error)".contains("the new rows have 2 columns, the training rows 3"), "\(error)")
        }
    }
}
