import Collectives
import Evaluation
import Foundation
import LinearAlgebra
import Randomness
import Storage
import TSNE
import TestSupport
import XCTest

/// The FFT method: the FFT against the direct DFT, the interpolated repulsion against the exact
/// O(N²) sum, the golden blobs with `method = .fft`, and its independence of the thread count.
final class TSNEInterpolationTests: XCTestCase {
    func testFFTMatchesTheDirectTransformAndInvertsIt() {
        var g = SeededGenerator(seed: 5)
        for size in [2, 3, 6, 8, 12, 48, 64, 96, 256, 384] {
            let plan = FFTPlan(size: size)
            let xr = (0..<size).map { _ in Double(g.nextNormalFloat()) }, xi = (0..<size).map { _ in Double(g.nextNormalFloat()) }
            var re = xr, im = xi
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in plan.forward(re: r.baseAddress!, im: i.baseAddress!, stride: 1, columns: 0..<1) }
            }
            var worst = 0.0
            for k in 0..<size {
                var sr = 0.0, si = 0.0
                for j in 0..<size {
                    let t = -2 * Double.pi * Double(j * k % size) / Double(size)
                    sr += xr[j] * cos(t) - xi[j] * sin(t)
                    si += xr[j] * sin(t) + xi[j] * cos(t)
                }
                let at = plan.spectrumRow(k)
                worst = max(worst, abs(re[at] - sr), abs(im[at] - si))
            }
            XCTAssertLessThan(worst, 1e-10 * Double(size), "forward = DFT in scrambled order, size \(size)")
            re.withUnsafeMutableBufferPointer { r in
                im.withUnsafeMutableBufferPointer { i in plan.inverse(re: r.baseAddress!, im: i.baseAddress!, stride: 1, columns: 0..<1) }
            }
            for j in 0..<size {
                XCTAssertEqual(re[j] / Double(size), xr[j], accuracy: 1e-12)
                XCTAssertEqual(im[j] / Double(size), xi[j], accuracy: 1e-12)
            }
        }
    }

    /// 400 points in three lumps and a spread, as a map looks mid-run, at a few scales.
    private func map(scale: Float, seed: UInt64) -> [Float] {
        var g = SeededGenerator(seed: seed)
        var positions: [Float] = []
        for i in 0..<400 {
            let lump = Float(i % 3) * 8
            positions += [scale * (lump + 2 * g.nextNormalFloat()), scale * (lump / 2 + 2 * g.nextNormalFloat())]
        }
        return positions
    }

    /// (Σ‖error‖/Σ‖force‖, relative Z error, FFT size) of the grid on `positions` against the exact sum.
    private func errors(_ positions: [Float], settings: InterpolationSettings) -> (Double, Double, Int) {
        let grid = InterpolatedRepulsion(settings: settings)
        grid.compute(positions: positions, threads: 2)
        var errorSum = 0.0, forceSum = 0.0, zExact = 0.0, zGrid = 0.0
        for i in 0..<positions.count / 2 {
            let e = BarnesHutTree.exactRepulsion(of: i, positions: positions)
            let r = grid.repulsion(of: i)
            errorSum += ((r.fx - e.fx) * (r.fx - e.fx) + (r.fy - e.fy) * (r.fy - e.fy)).squareRoot()
            forceSum += (e.fx * e.fx + e.fy * e.fy).squareRoot()
            zExact += e.z
            zGrid += r.z
        }
        return (errorSum / forceSum, abs(zGrid / zExact - 1), grid.fftSize)
    }

    func testInterpolatedRepulsionMatchesTheExactSum() {
        // The default grid: small maps get narrow intervals; a map 110 wide gets 85 intervals 1.3 wide.
        for (scale, force, z) in [(Float(0.01), 1e-6, 1e-6), (1, 0.01, 5e-4), (4, 0.08, 0.01)] {
            let (f, e, m) = errors(map(scale: scale, seed: 11), settings: InterpolationSettings())
            print("tsne fft repulsion, default grid, scale \(scale): \(m)², Σ‖error‖/Σ‖force‖ \(f), Z error \(e)")
            XCTAssertLessThan(f, force, "force error at scale \(scale)")
            XCTAssertLessThan(e, z, "Z error at scale \(scale)")
        }
        // Narrower intervals converge to the exact sum.
        var fine = InterpolationSettings()
        for (width, force, z) in [(1.0, 0.03, 3e-3), (0.5, 0.005, 2e-4)] {
            fine.intervalWidth = width
            let (f, e, m) = errors(map(scale: 4, seed: 11), settings: fine)
            print("tsne fft repulsion, intervals at most \(width) wide, scale 4: \(m)², Σ‖error‖/Σ‖force‖ \(f), Z error \(e)")
            XCTAssertLessThan(f, force, "force error, width \(width)")
            XCTAssertLessThan(e, z, "Z error, width \(width)")
        }
    }

    func testGridSizes() {
        let s = InterpolationSettings()
        XCTAssertEqual(s.grid(extent: 1e-3).fftSize, 256)   // 40 intervals → ⌊256/6⌋ = 42
        XCTAssertEqual(s.grid(extent: 1e-3).intervals, 42)
        XCTAssertEqual(s.grid(extent: 100).fftSize, 512)    // 67 intervals → 85
        XCTAssertEqual(s.grid(extent: 184).fftSize, 768)    // 123 intervals → 128
        XCTAssertEqual(s.grid(extent: 200).fftSize, 1024)   // 134 intervals → 170
        XCTAssertEqual(s.grid(extent: 90).fftSize, 384)     // 60 intervals → 64
        XCTAssertEqual(s.grid(extent: 1e6).fftSize, InterpolationSettings.maxFFTSize)
    }

    func testBlobsWithTheFFTMethodMatchScikitLearn() throws {
        let data = try NPY.readMatrix(path: GoldenManifold.url("blobs_3000x10.npy").path)
        let goldenKL = try GoldenManifold.value("tsne_blobs", "kl_divergence")
        let goldenTrust = try GoldenManifold.value("tsne_blobs", "trustworthiness_k10")
        var parameters = TSNEParameters()
        parameters.method = .fft
        let start = Date()
        let result = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator(), threads: 2)
        let seconds = Date().timeIntervalSince(start)
        let trust = Trustworthiness.score(original: data, embedded: result.embedding, neighbors: 10, threads: 2)
        print("tsne golden fft: KL \(result.klDivergence) (scikit-learn \(goldenKL)), trustworthiness \(trust) (\(goldenTrust)), \(result.iterations) iterations, \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(result.method, .fft)
        XCTAssertEqual(result.klDivergence, goldenKL, accuracy: 0.05 * goldenKL, "KL within 5% of scikit-learn's")
        XCTAssertEqual(trust, goldenTrust, accuracy: 0.01, "trustworthiness within 0.01 of scikit-learn's")
    }

    func testTheFFTMapDoesNotDependOnTheThreadCount() throws {
        var g = SeededGenerator(seed: 8)
        let data = Matrix(rows: 500, cols: 6, storage: (0..<3000).map { _ in 3 * g.nextNormalFloat() })
        var parameters = TSNEParameters()
        parameters.maxIterations = 300
        parameters.method = .fft
        let one = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator(), threads: 1)
        let three = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator(), threads: 3)
        XCTAssertEqual(one.embedding, three.embedding)
        XCTAssertEqual(one.klDivergence, three.klDivergence)
    }
}
