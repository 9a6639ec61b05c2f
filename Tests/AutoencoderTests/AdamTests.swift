import Randomness
import Autoencoder
import LinearAlgebra
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

    /// Over a whole job's length, with subnormals flushed: rows touched often, rows touched only early
    /// (their first moments decay to the smallest normals and stay there) and rows never touched (their
    /// first moments stay +0, where the kernel skips the square root and division). The lazy replay,
    /// the eager update and Keras's formulas evaluated one float at a time agree bit for bit.
    func testMomentsDecayedToZeroGiveTheSameBitsOverAThousandSteps() {
        ComputeThreads.prepareProcess()  // the scalar reference below runs on this thread
        let rows = 24, width = 19, count = rows * width, steps = 1200
        var generator = SeededGenerator(seed: 3)
        let start = (0..<count).map { _ in generator.nextUnitFloat() - 0.5 }
        let settings = AdamSettings()
        let (c1, c2) = (Float(1 - settings.beta1), Float(1 - settings.beta2))
        let eager = AdamOptimizer(settings: settings, parameterCount: count)
        let lazy = AdamOptimizer(settings: settings, parameterCount: count, lazyOffset: 0, lazyRows: rows, lazyWidth: width)
        let we = FloatBuffer(start), wl = FloatBuffer(start)
        var (rw, rm, rv) = (start, [Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
        for step in 1...steps {
            // Rows 0..<8 every third step; rows 8..<16 only in the first 50 steps and at step 1100; rows 16..<24 never.
            let touched = (0..<rows).filter { r in
                r < 8 ? step % 3 == 0 : r < 16 ? step <= 50 || step == 1100 : false
            }
            var gradient = [Float](repeating: 0, count: count)
            for r in touched { for j in 0..<width { gradient[r * width + j] = (generator.nextUnitFloat() - 0.5) * 1e-3 } }
            let rate: Float = 1e-3
            for r in touched { lazy.catchUp(wl.pointer, row: r) }
            eager.beginStep(rate: rate)
            lazy.beginStep(rate: rate)
            gradient.withUnsafeBufferPointer { g in
                eager.update(we.pointer, range: 0..<count, gradient: g.baseAddress!, threads: 2)
                for r in touched { lazy.update(wl.pointer, row: r, gradient: g.baseAddress! + r * width) }
            }
            let alpha = settings.alpha(step: step, rate: rate)
            for i in 0..<count {
                rm[i] = rm[i] + (gradient[i] - rm[i]) * c1
                rv[i] = rv[i] + (gradient[i] * gradient[i] - rv[i]) * c2
                rw[i] = rw[i] - (rm[i] * alpha) / (rv[i].squareRoot() + settings.epsilon)
            }
        }
        lazy.flush(wl.pointer, threads: 2)
        XCTAssertEqual(we.array, rw)
        XCTAssertEqual(eager.m.array, rm)
        XCTAssertEqual(eager.v.array, rv)
        XCTAssertEqual(wl.array, rw)
        XCTAssertEqual(lazy.m.array, rm)
        XCTAssertEqual(lazy.v.array, rv)
        XCTAssertTrue((16 * width..<count).allSatisfy { rm[$0] == 0 && rw[$0] == start[$0] }, "untouched rows stay put")
        XCTAssertTrue((8 * width..<16 * width).allSatisfy { rm[$0] != 0 && rw[$0] != start[$0] })
    }
}
