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
        for size in [2, 8, 64, 256] {
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
                let at = plan.bitReversed(k)
                worst = max(worst, abs(re[at] - sr), abs(im[at] - si))
            }
            XCTAssertLessThan(worst, 1e-10 * Double(size), "forward = DFT in bit-reversed order, size \(size)")
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

    func testInterpolatedRepulsionMatchesTheExactSum() {
        for scale: Float in [0.01, 1, 4] {
            let positions = map(scale: scale, seed: 11)
            let grid = InterpolatedRepulsion()
            grid.compute(positions: positions, threads: 2)
            var errorSum = 0.0, forceSum = 0.0, zExact = 0.0, zGrid = 0.0, worst = 0.0
            for i in 0..<400 {
                let e = BarnesHutTree.exactRepulsion(of: i, positions: positions)
                let r = grid.repulsion(of: i)
                let error = ((r.fx - e.fx) * (r.fx - e.fx) + (r.fy - e.fy) * (r.fy - e.fy)).squareRoot()
                let force = (e.fx * e.fx + e.fy * e.fy).squareRoot()
                errorSum += error
                forceSum += force
                worst = max(worst, error / max(force, 1e-300))
                zExact += e.z
                zGrid += r.z
            }
            print("tsne fft repulsion, scale \(scale): grid \(grid.fftSize)² (\(grid.intervals) intervals), Σ|error|/Σ|force| \(errorSum / forceSum), worst point \(worst), Z \(zGrid) vs \(zExact)")
            XCTAssertLessThan(errorSum / forceSum, 0.02, "force error at scale \(scale)")
            XCTAssertEqual(zGrid, zExact, accuracy: 5e-3 * zExact, "Z at scale \(scale)")
        }
    }

    func testGridSizes() {
        let s = InterpolationSettings()
        XCTAssertEqual(s.grid(extent: 1e-3).fftSize, 512)   // 50 intervals → ⌊512/6⌋ = 85
        XCTAssertEqual(s.grid(extent: 1e-3).intervals, 85)
        XCTAssertEqual(s.grid(extent: 100).fftSize, 1024)   // 100 intervals → 170
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
