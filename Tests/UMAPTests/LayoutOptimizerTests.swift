import Randomness
import Collectives
import Foundation
import LinearAlgebra
import Neighbors
import UMAP
import XCTest

/// The layout SGD itself on a graph of 4 vertices and 2 undirected edges (0–1 and 2–3, both directions
/// stored, weight 1), against moves computed here in Double from umap-learn's formulas:
/// attraction coefficient −2ab·d^{2(b−1)}/(1 + a·d^{2b}), repulsion 2b/((0.001 + d²)(1 + a·d^{2b})),
/// each gradient component clipped to ±4, times the epoch's α = rate·(1 − epoch/epochs); edges in order,
/// each step seeing the moves before it (one chunk, as umap-learn's single thread does).
///
/// With every edge's period 1, umap-learn's bookkeeping samples nothing at epoch 0 (the first sample is
/// due at epoch 1), so a 2-epoch run is one epoch of moves at α = rate / 2.
final class LayoutOptimizerTests: XCTestCase {
    /// Starting coordinates (exact in Float).
    private var start: [[Double]] = [[0, 0], [0.125, 0.0625], [3, 1], [0.5, 3.5]]

    private func edges() -> LayoutEdges {
        let graph = CSRMatrix(rows: 4, cols: 4, rowPointers: [0, 1, 2, 3, 4], columnIndices: [1, 0, 3, 2], values: [1, 1, 1, 1])
        let edges = LayoutEdges(graph: graph, ownRows: 0..<4)
        XCTAssertEqual(edges.heads, [0, 1, 2, 3])
        XCTAssertEqual(edges.tails, [1, 0, 3, 2])
        XCTAssertEqual(edges.epochsPerSample, [1, 1, 1, 1])
        return edges
    }

    private func run(curve: CurveParameters, epochs: Int, negativeSampleRate: Int, rate: Float, seed: UInt64) -> [[Double]] {
        var optimizer = LayoutOptimizer(curve: curve, epochs: epochs, negativeSampleRate: negativeSampleRate,
                                        learningRate: rate, seed: seed)
        optimizer.chunksPerRank = 1
        var embedding = Matrix(start.map { $0.map(Float.init) })
        optimizer.optimize(&embedding, edges: edges(), world: LocalCommunicator(), threads: 1)
        return (0..<4).map { i in (0..<2).map { Double(embedding.storage[i * 2 + $0]) } }
    }

    /// What the test counts while moving points by hand.
    private struct Tally { var clipped = 0, unclipped = 0, negatives = 0, selfNegatives = 0 }

    private func clip(_ g: Double, _ tally: inout Tally) -> Double {
        if abs(g) > 4 { tally.clipped += 1; return g > 0 ? 4 : -4 }
        tally.unclipped += 1
        return g
    }

    /// One epoch by hand: for each edge (head i, tail j) the attractive move of i and j, then
    /// `negatives` repulsive moves of i from vertices drawn by `draw`.
    private func handEpoch(curve: CurveParameters, alpha: Double, negatives: Int, tally: inout Tally,
                           from: [[Double]]? = nil, draw: () -> Int) -> [[Double]] {
        let a = Double(curve.a), b = Double(curve.b)
        var y = from ?? start
        for (i, j) in [(0, 1), (1, 0), (2, 3), (3, 2)] {
            let d2 = (0..<2).reduce(0.0) { $0 + (y[i][$1] - y[j][$1]) * (y[i][$1] - y[j][$1]) }
            let attraction = -2 * a * b * pow(d2, b - 1) / (1 + a * pow(d2, b))
            for t in 0..<2 {
                let g = clip(attraction * (y[i][t] - y[j][t]), &tally) * alpha
                y[i][t] += g
                y[j][t] -= g
            }
            for _ in 0..<negatives {
                let k = draw()
                tally.negatives += 1
                let n2 = (0..<2).reduce(0.0) { $0 + (y[i][$1] - y[k][$1]) * (y[i][$1] - y[k][$1]) }
                guard n2 > 0 else { tally.selfNegatives += 1; continue }
                let repulsion = 2 * b / ((0.001 + n2) * (1 + a * pow(n2, b)))
                for t in 0..<2 { y[i][t] += clip(repulsion * (y[i][t] - y[k][t]), &tally) * alpha }
            }
        }
        return y
    }

    private func assertClose(_ got: [[Double]], _ expected: [[Double]], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        for i in 0..<4 {
            for t in 0..<2 {
                XCTAssertEqual(got[i][t], expected[i][t], accuracy: 2e-5, "\(message): vertex \(i) coordinate \(t)", file: file, line: line)
            }
        }
    }

    /// Attraction only (negative sample rate 1: the first negative sample is due at epoch 2): with
    /// a = 100, b = 0.9 the close pair 0–1 (d ≈ 0.14) has gradient components of about 9.5 and 4.7, both
    /// clipped to 4, and the far pair 2–3 (d ≈ 3.5) about 0.5, not clipped.
    func testOneEpochOfAttractionMatchesHandComputedMovesWithTheClip() {
        let curve = CurveParameters(a: 100, b: 0.9)
        XCTAssertEqual(run(curve: curve, epochs: 1, negativeSampleRate: 1, rate: 1, seed: 13), start,
                       "epoch 0 samples nothing (every edge first due at epoch 1)")
        var tally = Tally()
        let expected = handEpoch(curve: curve, alpha: 0.5, negatives: 0, tally: &tally) { fatalError("no negatives") }
        XCTAssertGreaterThan(tally.clipped, 0, "the case must exercise the clip")
        XCTAssertGreaterThan(tally.unclipped, 0)
        let got = run(curve: curve, epochs: 2, negativeSampleRate: 1, rate: 1, seed: 13)
        assertClose(got, expected, "attraction, a = 100, b = 0.9")
    }

    /// Attraction and negative samples (rate 4: 3 negatives per edge at epoch 1) on umap-learn's curve for
    /// min_dist 0.1, the negatives drawn from the optimizer's seeded stream for (rank 0 · chunk 0, epoch 1);
    /// vertex 2 (not joined to 0) sits 0.07 from vertex 0, so the push between them is clipped.
    func testOneEpochWithNegativeSamplesMatchesHandComputedMoves() {
        start = [[0, 0], [0.5, 0.25], [0.0625, 0.03125], [3, 2]]
        let curve = CurveParameters.fit(minDist: 0.1, spread: 1)
        let seed: UInt64 = 13
        var random = SeededGenerator(seed: seed, at: 0, 1)
        var tally = Tally()
        let expected = handEpoch(curve: curve, alpha: 0.5, negatives: 3, tally: &tally) { random.below(4) }
        XCTAssertEqual(tally.negatives, 12)
        XCTAssertLessThan(tally.selfNegatives, 12, "some negatives must be other vertices")
        XCTAssertGreaterThan(tally.clipped, 0, "the case must exercise the repulsive clip")
        let got = run(curve: curve, epochs: 2, negativeSampleRate: 4, rate: 1, seed: seed)
        assertClose(got, expected, "attraction and negatives, min_dist 0.1 (a \(curve.a), b \(curve.b))")
        print("layout one epoch: got \(got), hand \(expected), clipped \(tally.clipped), self negatives \(tally.selfNegatives)")
    }

    /// Negative sample rate 0 means no negative samples at all (umap-learn: an infinite period), not
    /// the rate-1 schedule: 3 epochs equal two epochs of attraction only, at α = 2/3 and 1/3.
    func testNegativeSampleRateZeroSamplesNoNegatives() {
        let curve = CurveParameters.fit(minDist: 0.1, spread: 1)
        var tally = Tally()
        let first = handEpoch(curve: curve, alpha: 2.0 / 3, negatives: 0, tally: &tally) { fatalError("no negatives") }
        let expected = handEpoch(curve: curve, alpha: 1.0 / 3, negatives: 0, tally: &tally, from: first) { fatalError("no negatives") }
        assertClose(run(curve: curve, epochs: 3, negativeSampleRate: 0, rate: 1, seed: 13), expected, "rate 0, 3 epochs")
    }
}
