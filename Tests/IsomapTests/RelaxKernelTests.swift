import CKernels
import XCTest

/// `ck_relax`, the vectorised relaxation under Dijkstra, against its definition (the plain loop):
/// lists of every length from 0 to 41 (whole vectors and tails), candidates below, equal to and above
/// the current distances, infinite distances; the same distances, the same improved targets in list
/// order.
final class RelaxKernelTests: XCTestCase {
    func testRelaxationMatchesThePlainLoop() {
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
                var improved = [Int32](repeating: -1, count: max(length, 1))
                let found = ck_relax(d, targets, weights, length, &dist, &improved)
                XCTAssertEqual(Array(improved[0..<found]), expected, "length \(length), round \(round)")
                XCTAssertEqual(dist, reference, "length \(length), round \(round)")
            }
        }
    }
}
