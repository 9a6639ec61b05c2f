import Randomness
import Autoencoder
import XCTest

/// Adam's arithmetic and the lazy catch-up of untouched rows.
final class AdamTests: XCTestCase {
    func testFirstStepMovesEachWeightByTheLearningRateAgainstItsGradientSign() {
        let adam = AdamOptimizer(settings: AdamSettings(learningRate: 0.01), parameterCount: 3)
        let w = FloatBuffer([1, 1, 1])
        let g: [Float] = [0.5, -2, 0]
        adam.beginStep(rate: 0.01)
        g.withUnsafeBufferPointer { adam.update(w.pointer, range: 0..<3, gradient: $0.baseAddress!, threads: 1) }
        XCTAssertEqual(w.array[0], 0.99, accuracy: 1e-6)
        XCTAssertEqual(w.array[1], 1.01, accuracy: 1e-6)
        XCTAssertEqual(w.array[2], 1)
    }

    /// Rows that get a gradient only now and then, updated lazily, end bit-identical to the eager
    /// update that streams every row every step (zero gradient for the untouched ones).
    func testLazyRowsEqualTheEagerUpdateBitForBit() {
        let rows = 40, width = 37, count = rows * width
        var generator = SeededGenerator(seed: 11)
        let start = (0..<count).map { _ in generator.nextUnitFloat() - 0.5 }
        let eager = AdamOptimizer(settings: AdamSettings(), parameterCount: count)
        let lazy = AdamOptimizer(settings: AdamSettings(), parameterCount: count, lazyOffset: 0, lazyRows: rows, lazyWidth: width)
        let we = FloatBuffer(start), wl = FloatBuffer(start)
        for step in 0..<60 {
            let touched = (0..<rows).filter { _ in generator.nextIndex(below: 5) == 0 }
            var gradient = [Float](repeating: 0, count: count)
            for r in touched { for j in 0..<width { gradient[r * width + j] = generator.nextUnitFloat() - 0.5 } }
            let rate: Float = step < 30 ? 1e-3 : 3e-3
            // A forward pass would read these rows first: catch them up to the previous step.
            for r in touched where r % 2 == 0 { lazy.catchUp(wl.pointer, row: r) }
            eager.beginStep(rate: rate)
            lazy.beginStep(rate: rate)
            gradient.withUnsafeBufferPointer { g in
                eager.update(we.pointer, range: 0..<count, gradient: g.baseAddress!, threads: 2)
                for r in touched { lazy.update(wl.pointer, row: r, gradient: g.baseAddress! + r * width) }
            }
        }
        lazy.flush(wl.pointer, threads: 2)
        XCTAssertEqual(we.array, wl.array)
        XCTAssertEqual(eager.m.array, lazy.m.array)
        XCTAssertEqual(eager.v.array, lazy.v.array)
    }

    /// The vector kernel (AVX2 where the CPU has it, eight lanes and a scalar tail) gives the very bits
    /// of Keras's formulas evaluated one float at a time, in order, without fused multiply-adds.
    func testVectorKernelEqualsTheScalarFormulasBitForBit() {
        let count = 1003, steps = 25
        var generator = SeededGenerator(seed: 5)
        let start = (0..<count).map { _ in generator.nextUnitFloat() - 0.5 }
        let settings = AdamSettings()
        let adam = AdamOptimizer(settings: settings, parameterCount: count)
        let w = FloatBuffer(start)
        var (rw, rm, rv) = (start, [Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        let (c1, c2) = (Float(1 - settings.beta1), Float(1 - settings.beta2))
        for step in 1...steps {
            let g = (0..<count).map { _ in generator.nextIndex(below: 3) == 0 ? 0 : generator.nextUnitFloat() - 0.5 }
            let rate: Float = step < 10 ? 1e-3 : 1e-2
            adam.beginStep(rate: rate)
            g.withUnsafeBufferPointer { adam.update(w.pointer, range: 0..<count, gradient: $0.baseAddress!, threads: 2) }
            let alpha = settings.alpha(step: step, rate: rate)
            for i in 0..<count {
                rm[i] = rm[i] + (g[i] - rm[i]) * c1
                rv[i] = rv[i] + (g[i] * g[i] - rv[i]) * c2
                rw[i] = rw[i] - (rm[i] * alpha) / (rv[i].squareRoot() + settings.epsilon)
            }
        }
        XCTAssertEqual(w.array, rw)
        XCTAssertEqual(adam.m.array, rm)
        XCTAssertEqual(adam.v.array, rv)
    }
}
