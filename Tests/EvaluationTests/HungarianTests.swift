import Randomness
import Clustering
import Evaluation
import XCTest

final class HungarianTests: XCTestCase {
    /// On random square and rectangular tables (both orientations) the Hungarian total equals the
    /// best total found by trying every assignment, and the assignment is one-to-one.
    func testMatchesBruteForceOnSmallRandomTables() {
        var generator = SeededGenerator(seed: 42)
        for trial in 0..<300 {
            let rows = 1 + Int(generator.next() % 6), columns = 1 + Int(generator.next() % 6)
            let integral = trial % 2 == 0   // integer costs produce ties
            let cost = (0..<rows * columns).map { _ in
                integral ? Double(generator.next() % 5) : generator.nextUnit() * 10 - 5
            }
            let assignment = Hungarian.minimumCostAssignment(cost: cost, rows: rows, columns: columns)
            XCTAssertEqual(assignment.compactMap { $0 }.count, min(rows, columns))
            XCTAssertEqual(Set(assignment.compactMap { $0 }).count, min(rows, columns), "columns used twice")
            let total = assignment.enumerated().reduce(0.0) { sum, pair in
                sum + (pair.element.map { cost[pair.offset * columns + $0] } ?? 0)
            }
            XCTAssertEqual(total, bruteForceMinimum(cost, rows: rows, columns: columns), accuracy: 1e-9,
                           "trial \(trial): \(rows)×\(columns)")
        }
    }

    func testMaximumWeightPicksTheLargestMatching() {
        // Greedy would take 9 then 1; the best is 8 + 7.
        let weight: [Double] = [9, 8,
                                7, 1]
        XCTAssertEqual(Hungarian.maximumWeightAssignment(weight: weight, rows: 2, columns: 2), [1, 0])
    }

    /// Least total over all ways to match min(rows, columns) pairs.
    private func bruteForceMinimum(_ cost: [Double], rows: Int, columns: Int) -> Double {
        var best = Double.infinity
        var usedColumns = [Bool](repeating: false, count: columns)
        func search(_ row: Int, _ skipsLeft: Int, _ total: Double) {
            if row == rows { best = min(best, total); return }
            if skipsLeft > 0 { search(row + 1, skipsLeft - 1, total) }
            for c in 0..<columns where !usedColumns[c] {
                usedColumns[c] = true
                search(row + 1, skipsLeft, total + cost[row * columns + c])
                usedColumns[c] = false
            }
        }
        search(0, max(0, rows - columns), 0)
        return best
    }
}
