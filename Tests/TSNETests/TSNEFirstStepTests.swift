import Randomness
import Collectives
import Foundation
import LinearAlgebra
import Neighbors
import Randomness
import TSNE
import TestSupport
import XCTest

/// The first iteration of each phase of `TSNE.fit` against the t-SNE gradient written out in full
/// (O(N²), θ = 0): y' = y − rate · 0.8 · ∂C/∂y, ∂C/∂y_i = 4 Σ_j (e·p_ij − w_ij / Z) · w_ij · (y_i − y_j),
/// w_ij = 1 / (1 + ‖y_i − y_j‖²), Z = Σ_{k≠l} w_kl, e = 12 in the exaggerated phase and 1 after. The
/// exaggeration, the factor 4, the rate and the first gain (1 × 0.8, because each phase starts with
/// update 0 and gains 1, as scikit-learn's `_gradient_descent`) all show in one step.
final class TSNEFirstStepTests: XCTestCase {
    private let n = 60, d = 3
    private var data: Matrix!
    private var parameters = TSNEParameters()
    private var p: [Double] = []

    override func setUpWithError() throws {
        var g = tsneTestGenerator(21)
        data = Matrix(rows: n, cols: d, storage: (0..<n * d).map { i in g.nextNormalFloat() + Float(i / d % 3) * 4 })
        parameters.perplexity = 5
        parameters.angle = 0
        parameters.initialisation = .random
        // P as the definition: kNN (k = min(N − 1, 3·perplexity + 1)), p(j|i) to the perplexity, (C + Cᵀ)/2N.
        let k = parameters.neighbors(rows: n)
        let graph = ExactKNN.search(data, queries: 0..<n, k: k + 1, metric: .euclidean)
        var neighbors: [Int32] = [], squared: [Float] = []
        for i in 0..<n {
            for s in 1...k {
                let j = Int(graph.indices[i * (k + 1) + s])
                neighbors.append(Int32(j))
                var sum = 0.0
                for t in 0..<d { let u = Double(data[i, t]) - Double(data[j, t]); sum += u * u }
                squared.append(Float(sum))
            }
        }
        let c = PerplexitySearch.solve(squaredDistances: squared, k: k, perplexity: parameters.perplexity)
        p = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for s in 0..<k {
                let j = Int(neighbors[i * k + s])
                p[i * n + j] += c.probabilities[i * k + s] / Double(2 * n)
                p[j * n + i] += c.probabilities[i * k + s] / Double(2 * n)
            }
        }
    }

    /// The largest coordinate difference between `after − before` and −rate·0.8·gradient(before), and the largest move.
    private func compare(before y0: [Float], after: Matrix, exaggeration: Double) -> (Double, Double) {
        var z = 0.0
        for i in 0..<n {
            for j in 0..<n where j != i {
                let dx = Double(y0[2 * i] - y0[2 * j]), dy = Double(y0[2 * i + 1] - y0[2 * j + 1])
                z += 1 / (1 + dx * dx + dy * dy)
            }
        }
        let rate = max(Double(n) / 12 / 4, 50)
        var worst = 0.0, largest = 0.0
        for i in 0..<n {
            var gx = 0.0, gy = 0.0
            for j in 0..<n where j != i {
                let dx = Double(y0[2 * i] - y0[2 * j]), dy = Double(y0[2 * i + 1] - y0[2 * j + 1])
                let w = 1 / (1 + dx * dx + dy * dy)
                let f = 4 * (exaggeration * p[i * n + j] - w / z) * w
                gx += f * dx
                gy += f * dy
            }
            let expected = (-rate * 0.8 * gx, -rate * 0.8 * gy)
            let got = (Double(after[i, 0] - y0[2 * i]), Double(after[i, 1] - y0[2 * i + 1]))
            worst = max(worst, abs(got.0 - expected.0), abs(got.1 - expected.1))
            largest = max(largest, abs(expected.0), abs(expected.1))
        }
        return (worst, largest)
    }

    func testFirstStepIsTheExaggeratedExactGradientStep() throws {
        parameters.maxIterations = 1
        let result = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator())
        let (worst, largest) = compare(before: Initialisation.random(rows: n, seed: parameters.seed), after: result.embedding,
                                       exaggeration: 12)
        print("tsne first step: largest move \(largest), worst difference \(worst)")
        XCTAssertGreaterThan(largest, 1e-6)
        XCTAssertLessThan(worst, 1e-3 * largest, "the first update equals −rate·0.8·(exact gradient with P × 12)")
    }

    func testSecondPhaseStartsAfreshWithoutExaggeration() throws {
        parameters.exaggerationIterations = 5
        parameters.maxIterations = 5
        let before = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator()).embedding
        parameters.maxIterations = 6
        let after = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator()).embedding
        let (worst, largest) = compare(before: before.storage, after: after, exaggeration: 1)
        print("tsne second phase, first step: largest move \(largest), worst difference \(worst)")
        XCTAssertGreaterThan(largest, 1e-6)
        XCTAssertLessThan(worst, 1e-3 * largest, "the first update of phase 2 equals −rate·0.8·(exact gradient with P)")
    }
}

/// The stream the former `SeededRandom(seed:)` drew (seed × the golden-ratio increment), so that the
/// test data and the figures in docs/TSNE.md stay what they were.
func tsneTestGenerator(_ seed: UInt64) -> SeededGenerator { SeededGenerator(seed: seed &* 0x9E37_79B9_7F4A_7C15) }
