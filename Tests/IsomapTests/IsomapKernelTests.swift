import CKernels
import XCTest

/// Exact Isomap's C kernels against their definitions (plain loops), at every vector width this
/// CPU has (8 lanes where it has AVX-512, 4 with AVX2, and the scalar baseline):
/// `ck_relax` on lists of every length from 0 to 41 (whole vectors and tails), candidates below,
/// equal to and above the current distances, infinite distances: the same distances, the same
/// improved targets in list order; `ck_lower_through` on rows of every length from 0 to 41;
/// `ck_dot_float_double` on rows of lengths 0 to 100, the same bits as its stated summation order.
final class IsomapKernelTests: XCTestCase {
    /// The widths to check: those ck_relax_at_width does not clamp down to a narrower one.
    static let widths: [Int32] = [8, 4, 1]

    func testRelaxationMatchesThePlainLoopAtEveryWidth() {
        for lanes in Self.widths { relaxationMatchesThePlainLoop(lanes: lanes) }
    }

    func relaxationMatchesThePlainLoop(lanes: Int32) {
        var state: UInt64 = 5
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let nodes = 64
        for length in 0...41 {
            for round in 0..<20 {
                var pool = Array(0..<Int32(nodes))
                for i in 0..<length { pool.swapAt(i, i + Int(next() % UInt64(nodes - i))) }
                let targets = Array(pool[0..<length])
                let d = Double(next() % 100) / 8
                let weights = (0..<length).map { _ in Double(next() % 100) / 8 }
                var reference = (0..<nodes).map { _ -> Double in
                    switch next() % 4 {
                    case 0: return .infinity
                    default: return Double(next() % 200) / 8
                    }
                }
                // Ties: some current distances exactly equal to the candidate, which must not improve.
                for k in 0..<length where next() % 5 == 0 { reference[Int(targets[k])] = d + weights[k] }
                var dist = reference
                var expected: [Int32] = []
                for k in 0..<length where d + weights[k] < reference[Int(targets[k])] {
                    reference[Int(targets[k])] = d + weights[k]
                    expected.append(targets[k])
                }
                var improved = [Int32](repeating: -1, count: length + 8)
                let found = ck_relax_at_width(lanes, d, targets, weights, length, &dist, &improved)
                XCTAssertEqual(Array(improved[0..<found]), expected, "\(lanes) lanes, length \(length), round \(round)")
                XCTAssertEqual(dist, reference, "\(lanes) lanes, length \(length), round \(round)")
            }
        }
    }

    func testLoweringThroughARowMatchesThePlainLoopAtEveryWidth() {
        var state: UInt64 = 11
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 33
        }
        let scale = 1 - 0x1p-44
        for lanes in Self.widths {
            for length in 0...41 {
                let d = Double(next() % 100) / 8
                let row = (0..<length).map { _ in next() % 6 == 0 ? Double.infinity : Double(next() % 100) / 8 }
                let start = (0..<length).map { _ in next() % 4 == 0 ? Double.infinity : Double(next() % 200) / 8 }
                let expected = (0..<length).map { t in min(start[t], (d + row[t]) * scale) }
                var dist = start
                ck_lower_through_at_width(lanes, &dist, row, d, scale, length)
                XCTAssertEqual(dist, expected, "\(lanes) lanes, length \(length)")
            }
        }
    }

    func testFloatDoubleDotKeepsItsSummationOrderAtEveryWidth() {
        var state: UInt64 = 23
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: state) >> 11) * 0x1p-40
        }
        for length in 0...100 {
            let row = (0..<length).map { _ in Float(next()) }
            let x = (0..<length).map { _ in next() }
            var partial = [Double](repeating: 0, count: 32)
            for j in 0..<length { partial[j % 32] += Double(row[j]) * x[j] }
            var width = 16
            while width >= 1 {
                for k in 0..<width { partial[k] += partial[k + width] }
                width /= 2
            }
            for lanes in Self.widths {
                XCTAssertEqual(ck_dot_float_double_at_width(lanes, row, x, length).bitPattern, partial[0].bitPattern,
                               "\(lanes) lanes, length \(length)")
            }
        }
    }
}
