import Isomap
import LinearAlgebra
import XCTest

/// The shortest-path machinery under exact and landmark Isomap: the radix queue against a sorted
/// reference, and Dijkstra (over the renumbered graph, on several threads) against Floyd–Warshall.
final class IsomapPathsTests: XCTestCase {
    /// A small deterministic stream (SplitMix64) for the random cases.
    struct Stream {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    /// Pushes and pops interleaved as Dijkstra's are (every key pushed at least the last popped, many
    /// equal keys, keys across many binary orders of magnitude): the keys come out in the order of a
    /// sorted reference, each pushed node exactly once.
    func testRadixQueuePopsInSortedOrder() {
        var random = Stream(state: 19)
        let queue = RadixQueue()
        for round in 0..<3 {
            queue.removeAll()
            var reference: [(Double, Int32)] = []
            var last = 0.0
            var popped: [(Double, Int32)] = []
            var node: Int32 = 0
            for _ in 0..<5000 {
                let pushes = random.below(4)
                for _ in 0..<pushes {
                    // Equal keys (a quarter), tiny steps and jumps of up to 2^20 above the last popped.
                    let key = random.below(4) == 0 ? last : last + random.unit() * Double(1 << random.below(21)) * 1e-3
                    queue.push(key, node)
                    reference.append((key, node))
                    node += 1
                }
                if queue.count > 0 && random.below(3) > 0 {
                    let (key, n) = queue.pop()
                    popped.append((key, n))
                    last = key
                }
            }
            while queue.count > 0 { popped.append(queue.pop()) }
            XCTAssertEqual(popped.count, reference.count, "round \(round)")
            XCTAssertEqual(Set(popped.map(\.1)), Set(reference.map(\.1)), "every node once, round \(round)")
            // Each pop is the smallest key in the queue at that time; with monotone pushes that makes
            // the popped keys non-decreasing, and each node comes out with the key it was pushed with.
            let keyOf = Dictionary(uniqueKeysWithValues: reference.map { ($0.1, $0.0) })
            for (i, entry) in popped.enumerated() {
                XCTAssertEqual(entry.0, keyOf[entry.1], "node \(entry.1) popped with its own key")
                if i > 0 { XCTAssertLessThanOrEqual(popped[i - 1].0, entry.0, "pop \(i) out of order, round \(round)") }
            }
            XCTAssertEqual(popped.map(\.0), reference.map(\.0).sorted(), "the keys are the pushed multiset, sorted")
        }
    }

    /// Dijkstra from every source on a random kNN-like graph of 150 points with two components
    /// (directed lists, symmetrised), against Floyd–Warshall on the same edges: the same distances to
    /// 1e-12 relative, infinity across components, at 1 and 3 threads the same bits.
    func testDijkstraMatchesFloydWarshall() {
        var random = Stream(state: 2003)
        let n = 150, dims = 3
        var storage = [Float](repeating: 0, count: n * dims)
        for i in 0..<n {
            for c in 0..<dims { storage[i * dims + c] = Float(random.unit() * 10 + (i >= 100 ? 100 : 0)) }
        }
        let points = Matrix(rows: n, cols: dims, storage: storage)
        // Each point: 3 random others of its own group (0..<100 or 100..<150).
        let lists: [[Int32]] = (0..<n).map { i in
            let (low, size) = i < 100 ? (0, 100) : (100, 50)
            return (0..<3).map { _ in Int32(low + random.below(size)) }.filter { $0 != Int32(i) }
        }
        func length(_ i: Int, _ j: Int) -> Double {
            var s = 0.0
            for c in 0..<dims { let t = Double(storage[i * dims + c]) - Double(storage[j * dims + c]); s += t * t }
            return s.squareRoot()
        }
        var floyd = [Double](repeating: .infinity, count: n * n)
        for i in 0..<n { floyd[i * n + i] = 0 }
        for i in 0..<n {
            for j32 in lists[i] {
                let j = Int(j32), d = length(i, j)
                floyd[i * n + j] = min(floyd[i * n + j], d)
                floyd[j * n + i] = min(floyd[j * n + i], d)
            }
        }
        for k in 0..<n {
            for i in 0..<n where floyd[i * n + k] < .infinity {
                for j in 0..<n where floyd[i * n + k] + floyd[k * n + j] < floyd[i * n + j] {
                    floyd[i * n + j] = floyd[i * n + k] + floyd[k * n + j]
                }
            }
        }
        let sources = Array(0..<n)
        let one = Isomap.squaredGeodesicDistances(points: points, lists: lists, sources: sources, threads: 1)
        let three = Isomap.squaredGeodesicDistances(points: points, lists: lists, sources: sources.reversed(), threads: 3)
        var worst = 0.0, unreachable = 0
        for i in 0..<n {
            for j in 0..<n {
                let expected = floyd[i * n + j] * floyd[i * n + j]
                let got = one[i * n + j]
                if expected.isInfinite {
                    XCTAssertEqual(got, .infinity, "\(i) → \(j) lies across components")
                    unreachable += 1
                } else {
                    worst = max(worst, abs(got - expected) / max(expected, 1e-300))
                }
                XCTAssertEqual(three[(n - 1 - i) * n + j], got, "\(i) → \(j): 3 threads, sources reversed")
            }
        }
        XCTAssertEqual(unreachable, 2 * 100 * 50, "the two groups do not reach each other")
        XCTAssertLessThanOrEqual(worst, 1e-12, "largest relative difference from Floyd–Warshall")
        print("Dijkstra vs Floyd–Warshall on \(n) points: largest relative difference \(worst)")
    }

    /// The rows of earlier rounds read through a source's neighbours (`KnownRows`) change no distance
    /// by more than their bound: on a 10-nearest-neighbour graph of 3,000 points of a swiss roll
    /// (all sources: 64 rounds), every seventh row against Dijkstra from that source alone (one
    /// round, no rows to read), to 1e-11 relative; at 1 and 2 threads the same bits.
    func testReadingKnownRowsKeepsTheDistances() {
        var random = Stream(state: 77)
        let n = 3000, dims = 3, k = 10
        var storage = [Float](repeating: 0, count: n * dims)
        for i in 0..<n {
            let t = 3 * Double.pi * (1 + 2 * random.unit())
            storage[i * dims] = Float(t * cos(t))
            storage[i * dims + 1] = Float(30 * random.unit())
            storage[i * dims + 2] = Float(t * sin(t))
        }
        let points = Matrix(rows: n, cols: dims, storage: storage)
        let lists: [[Int32]] = (0..<n).map { i in
            var nearest: [(Float, Int32)] = []
            for j in 0..<n where j != i {
                var s: Float = 0
                for c in 0..<dims { let t = storage[i * dims + c] - storage[j * dims + c]; s += t * t }
                nearest.append((s, Int32(j)))
            }
            return nearest.sorted { $0 < $1 }.prefix(k).map(\.1)
        }
        let sources = Array(0..<n)
        let one = Isomap.squaredGeodesicDistances(points: points, lists: lists, sources: sources, threads: 1)
        let two = Isomap.squaredGeodesicDistances(points: points, lists: lists, sources: sources, threads: 2)
        XCTAssertEqual(one, two, "1 and 2 threads")
        var worst = 0.0, low = 0
        for i in stride(from: 0, to: n, by: 7) {
            // One source alone makes one round: no rows to read.
            let row = Isomap.squaredGeodesicDistances(points: points, lists: lists, sources: [i], threads: 1)
            for j in 0..<n where row[j] > 0 {
                worst = max(worst, abs(one[i * n + j] - row[j]) / row[j])
                if one[i * n + j] < row[j] { low += 1 }
            }
        }
        XCTAssertLessThanOrEqual(worst, 1e-11, "largest relative difference from Dijkstra without rows")
        XCTAssertGreaterThan(low, 0, "some distances were read through rows (then a little low)")
        print("Dijkstra reading known rows on \(n) points: largest relative difference \(worst), \(low) distances read low")
    }
}
