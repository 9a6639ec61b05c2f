import Randomness
import Autoencoder
import LinearAlgebra
import XCTest

/// The analytic gradient (forward, back-propagation, sparse first layer) against central finite
/// differences of the loss, for every layer of a small network on sparse and dense input.
final class GradientTests: XCTestCase {
    let architecture = Architecture(inputWidth: 12, hidden: [7, 5], bottleneck: 3)

    func testSparseFirstLayerAndEveryDenseLayerMatchFiniteDifferences() {
        let counts = SyntheticCounts.make(rows: 6, cols: 12, meanNonZeros: 4, clusters: 2, seed: 3)
        check(.sparse(counts))
    }

    func testDenseInputMatchesFiniteDifferences() {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<6 * 12).map { _ in generator.nextUnitFloat() }
        check(.dense(Matrix(rows: 6, cols: 12, storage: values)))
    }

    func testSparseAndDenseFormsOfTheSameBatchGiveTheSameGradient() {
        let counts = SyntheticCounts.make(rows: 5, cols: 12, meanNonZeros: 5, clusters: 2, seed: 4)
        let model = AutoencoderModel.glorotUniform(architecture, seed: 2)
        let sparse = model.lossAndGradient(.sparse(counts))
        let dense = model.lossAndGradient(.dense(counts.densified()))
        XCTAssertEqual(sparse.loss, dense.loss, accuracy: 1e-6 * dense.loss)
        for (a, b) in zip(sparse.gradient, dense.gradient) { XCTAssertEqual(a, b, accuracy: 1e-6 + 1e-5 * abs(b)) }
    }

    /// Compares every layer's weights and biases (a sample of each) with central differences.
    private func check(_ batch: FeatureMatrix) {
        var model = AutoencoderModel.glorotUniform(architecture, seed: 5)
        // Non-zero biases keep ReLU units away from their kink at this batch.
        for l in 0..<architecture.layerCount {
            for j in 0..<architecture.widths[l + 1] { model.parameters[architecture.biasOffset(l) + j] = 0.05 * Float(j % 3 + 1) }
        }
        let analytic = model.lossAndGradient(batch).gradient
        let h: Float = 2e-3
        var checked = 0
        for l in 0..<architecture.layerCount {
            let start = architecture.weightOffset(l), end = architecture.biasOffset(l) + architecture.widths[l + 1]
            for k in stride(from: start, to: end, by: max(1, (end - start) / 12)) {
                var plus = model, minus = model
                plus.parameters[k] += h
                minus.parameters[k] -= h
                let numeric = (plus.meanSquaredError(batch) - minus.meanSquaredError(batch)) / Double(2 * h)
                XCTAssertEqual(Double(analytic[k]), numeric, accuracy: 2e-4 + 2e-2 * abs(numeric), "layer \(l), parameter \(k)")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 60)
    }
}
