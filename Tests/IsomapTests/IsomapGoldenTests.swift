import Collectives
import Foundation
import Isomap
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// Exact Isomap against scikit-learn 1.9.1 on the swiss roll (../shared/golden/manifold):
/// `Isomap(n_neighbors=10, n_components=2)` on `swiss_roll_2000x3.npy`.
final class IsomapGoldenTests: XCTestCase {
    static func roll() throws -> Matrix { try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_2000x3.npy").path) }

    /// Largest |ours − theirs| of each component after flipping ours to theirs' sign, over the range
    /// of theirs.
    static func alignedDifference(_ ours: [Double], _ theirs: Matrix, components: Int) -> [Double] {
        (0..<components).map { c in
            let n = theirs.rows
            let t = (0..<n).map { Double(theirs[$0, c]) }
            let o = (0..<n).map { ours[$0 * components + c] }
            var same = 0.0, opposite = 0.0
            for i in 0..<n { same = max(same, abs(o[i] - t[i])); opposite = max(opposite, abs(o[i] + t[i])) }
            return min(same, opposite) / (t.max()! - t.min()!)
        }
    }

    func testSwissRollMatchesScikitLearn() throws {
        let points = try Self.roll()
        let golden = try NPY.readMatrix(path: GoldenManifold.url("swiss_roll_isomap_k10_d2.npy").path)
        let values = try GoldenManifold.values()["isomap_swiss_roll"] as! [String: Any]
        let eigenvalues = (values["eigenvalues"] as! [NSNumber]).map(\.doubleValue)
        let error = (values["reconstruction_error"] as! NSNumber).doubleValue
        let started = Date()
        let result = try Isomap.fit(points: points, neighbors: 10, components: 2, world: LocalCommunicator(), threads: 2)
        let seconds = Date().timeIntervalSince(started)
        let differences = Self.alignedDifference(result.embedding, golden, components: 2)
        print("isomap swiss roll: \(String(format: "%.2f", seconds)) s, eigenvalues \(result.eigenvalues) (scikit-learn \(eigenvalues)),"
              + " reconstruction error \(result.reconstructionError) (scikit-learn \(error)), aligned difference / range \(differences),"
              + " Lanczos \(result.lanczosCycles) cycles \(result.lanczosProducts) products")
        XCTAssertEqual(result.graphComponents, 1)
        XCTAssertTrue(result.lanczosConverged)
        XCTAssertEqual(Isomap.exactKernelBytesPerRank(rows: 2000, ranks: 3), 667 * 2000 * 8)
        for c in 0..<2 {
            XCTAssertEqual(result.eigenvalues[c], eigenvalues[c], accuracy: 1e-4 * eigenvalues[c], "eigenvalue \(c)")
            XCTAssertLessThanOrEqual(differences[c], 1e-3, "component \(c): max aligned difference over the range")
        }
        XCTAssertEqual(result.reconstructionError, error, accuracy: 1e-4 * error, "reconstruction error")
    }

    /// The same bits with 1 and 3 threads (on the first 600 rows).
    func testThreadCountDoesNotChangeTheResult() throws {
        let points = try Self.roll().rows(0..<600)
        let one = try Isomap.fit(points: points, neighbors: 10, components: 2, world: LocalCommunicator(), threads: 1)
        let three = try Isomap.fit(points: points, neighbors: 10, components: 2, world: LocalCommunicator(), threads: 3)
        XCTAssertEqual(one.embedding, three.embedding)
        XCTAssertEqual(one.eigenvalues, three.eigenvalues)
        XCTAssertEqual(one.reconstructionError, three.reconstructionError)
    }

    /// Two far-apart groups: the graph has two components, joined as scikit-learn joins them (one
    /// edge between the closest pair), and the first coordinate separates the groups.
    func testDisconnectedGraphIsJoinedAtItsClosestPair() throws {
        var rows: [[Float]] = []
        for i in 0..<60 { rows.append([Float(i) * 0.1, Float(i % 3) * 0.05]) }
        for i in 0..<40 { rows.append([100 + Float(i) * 0.1, Float(i % 3) * 0.05]) }
        let result = try Isomap.fit(points: Matrix(rows), neighbors: 4, components: 2, world: LocalCommunicator(), threads: 2)
        XCTAssertEqual(result.graphComponents, 2)
        XCTAssertTrue(result.embedding.allSatisfy(\.isFinite))
        XCTAssertTrue(result.reconstructionError.isFinite)
        // The one bridge joins points 59 (5.9, 0.1) and 60 (100, 0): a gap of about 94.1 on the first axis.
        let x = (0..<100).map { result.embedding[$0 * 2] }
        let left = x[0..<60], right = x[60..<100]
        let gap = max(right.min()! - left.max()!, left.min()! - right.max()!)
        XCTAssertEqual(gap, 94.1, accuracy: 1.0, "gap between the groups on the first axis")
    }

    func testSettingsOutsideTheDataAreRefusedNamingTheFlag() {
        let points = Matrix(rows: 5, cols: 2, repeating: 1)
        XCTAssertThrowsError(try Isomap.fit(points: points, neighbors: 5, components: 2, world: LocalCommunicator(), threads: 1)) {
            XCTAssertTrue("\($0)".contains("--isomap-neighbors"), "\($0)")
        }
    }
}
