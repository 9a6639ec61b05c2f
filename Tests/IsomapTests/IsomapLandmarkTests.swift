import Collectives
import Foundation
import Isomap
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// Landmark Isomap on the swiss roll: the first coordinate recovers the roll's parameter t, and the
/// coordinates are close to exact Isomap's.
final class IsomapLandmarkTests: XCTestCase {
    /// Spearman's rank correlation (no ties in continuous data).
    static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        func ranks(_ v: [Double]) -> [Double] {
            var r = [Double](repeating: 0, count: v.count)
            for (rank, i) in v.indices.sorted(by: { v[$0] < v[$1] }).enumerated() { r[i] = Double(rank) }
            return r
        }
        let a = ranks(x), b = ranks(y)
        let n = Double(x.count), mean = (n - 1) / 2
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in 0..<x.count {
            sab += (a[i] - mean) * (b[i] - mean); saa += (a[i] - mean) * (a[i] - mean); sbb += (b[i] - mean) * (b[i] - mean)
        }
        return sab / (saa * sbb).squareRoot()
    }

    func testSwissRollParameterIsRecovered() throws {
        let points = try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_2000x3.npy").path)
        let t = try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_t.npy").path).storage.map { Double($0) }
        let started = Date()
        let result = try Isomap.fitLandmarks(points: points, neighbors: 10, components: 2, landmarks: 200,
                                             world: LocalCommunicator(), threads: 2, seed: 13)
        let seconds = Date().timeIntervalSince(started)
        let first = (0..<points.rows).map { result.embedding[$0 * 2] }
        let rho = abs(Self.spearman(first, t))
        let exact = try Isomap.fit(points: points, neighbors: 10, components: 2, world: LocalCommunicator(), threads: 2)
        let exactRho = abs(Self.spearman((0..<points.rows).map { exact.embedding[$0 * 2] }, t))
        // Against exact Isomap's coordinates, each component centred (landmark MDS centres on the
        // landmarks' mean) and sign-aligned: RMS difference over the range.
        func centred(_ v: [Double]) -> [Double] { let mean = v.reduce(0, +) / Double(v.count); return v.map { $0 - mean } }
        let rms = (0..<2).map { c -> Double in
            let e = centred((0..<points.rows).map { exact.embedding[$0 * 2 + c] })
            let l = centred((0..<points.rows).map { result.embedding[$0 * 2 + c] })
            let same = zip(e, l).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }, flipped = zip(e, l).reduce(0) { $0 + ($1.0 + $1.1) * ($1.0 + $1.1) }
            return (min(same, flipped) / Double(points.rows)).squareRoot() / (e.max()! - e.min()!)
        }
        print("landmark isomap (200 landmarks): \(String(format: "%.2f", seconds)) s, |Spearman| with t \(rho)"
              + " (exact Isomap \(exactRho)), eigenvalues \(result.eigenvalues), RMS difference from exact / range \(rms)")
        XCTAssertLessThanOrEqual(rms[0], 0.01, "first coordinate against exact Isomap's")
        XCTAssertLessThanOrEqual(rms[1], 0.05, "second coordinate against exact Isomap's")
        XCTAssertEqual(result.landmarks?.count, 200)
        XCTAssertGreaterThanOrEqual(rho, 0.99)
    }

    func testDisconnectedGraphIsRefusedNamingTheFlag() {
        var rows: [[Float]] = []
        for i in 0..<30 { rows.append([Float(i) * 0.1, 0]) }
        for i in 0..<30 { rows.append([100 + Float(i) * 0.1, 0]) }
        XCTAssertThrowsError(try Isomap.fitLandmarks(points: Matrix(rows), neighbors: 3, components: 2, landmarks: 10,
                                                     world: LocalCommunicator(), threads: 1)) {
            XCTAssertTrue("\($0)".contains("--isomap-neighbors") && "\($0)".contains("2 connected components"), "\($0)")
        }
    }
}
