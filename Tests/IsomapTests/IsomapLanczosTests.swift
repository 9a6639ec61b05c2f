import LinearAlgebra
import Randomness
import XCTest

/// `DistributedLanczos` (LinearAlgebra) on a dense symmetric matrix of known spectrum, whole and
/// split into row blocks as Isomap splits it.
final class IsomapLanczosTests: XCTestCase {
    /// Q diag(λ) Qᵀ with Q from Gram–Schmidt on seeded normals and λ_i = 100 / (i + 1) (or `spectrum`).
    private func matrix(_ n: Int, spectrum: ((Int) -> Double)? = nil) -> (a: [Double], values: [Double]) {
        var random = SeededGenerator(seed: 5)
        var q: [[Double]] = []
        for _ in 0..<n {
            var v = (0..<n).map { _ in Double(random.nextNormalFloat()) }
            for u in q {
                let p = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n { v[i] -= p * u[i] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            q.append(v.map { $0 / norm })
        }
        let values = (0..<n).map { spectrum?($0) ?? 100 / Double($0 + 1) }
        var a = [Double](repeating: 0, count: n * n)
        for k in 0..<n { for i in 0..<n { for j in 0..<n { a[i * n + j] += values[k] * q[k][i] * q[k][j] } } }
        return (a, values)
    }

    func testLargestEigenpairsOfAKnownSpectrum() throws {
        let n = 120
        let (a, values) = matrix(n)
        var random = SeededGenerator(seed: 1)
        let start = (0..<n).map { _ in Double(random.nextNormalFloat()) }
        let apply: ([Double]) -> [Double] = { x in (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i * n + $1] * x[$1] } } }
        let solver = DistributedLanczos(steps: 30)
        let result = try XCTUnwrap(solver.largest(count: 3, n: n, start: start, threads: 1, apply: apply))
        XCTAssertTrue(result.converged)
        for c in 0..<3 {
            XCTAssertEqual(result.values[c], values[c], accuracy: 1e-8 * values[0], "eigenvalue \(c)")
            let ay = apply(result.vectors[c])
            let residual = zip(ay, result.vectors[c]).map { $0 - result.values[c] * $1 }.reduce(0) { $0 + $1 * $1 }.squareRoot()
            XCTAssertLessThan(residual, 1e-7 * values[0], "residual \(c)")
        }
        // Deflating the top vector gives the next two.
        let deflated = try XCTUnwrap(solver.largest(count: 2, n: n, start: start, deflate: [result.vectors[0]], threads: 1, apply: apply))
        XCTAssertEqual(deflated.values[0], values[1], accuracy: 1e-8 * values[0])
        XCTAssertEqual(deflated.values[1], values[2], accuracy: 1e-8 * values[0])
        // Thread count changes nothing.
        let threaded = try XCTUnwrap(solver.largest(count: 3, n: n, start: start, threads: 4, apply: apply))
        XCTAssertEqual(threaded.values, result.values)
        XCTAssertEqual(threaded.vectors, result.vectors)
    }

    /// Evenly spaced eigenvalues (small gaps) force thick restarts; the pairs still converge.
    func testThickRestartsConvergeOnASmallGapSpectrum() throws {
        let n = 200
        let (a, values) = matrix(n) { 100 - Double($0) * 0.25 }
        var random = SeededGenerator(seed: 2)
        let start = (0..<n).map { _ in Double(random.nextNormalFloat()) }
        let apply: ([Double]) -> [Double] = { x in (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i * n + $1] * x[$1] } } }
        let result = try XCTUnwrap(DistributedLanczos(steps: 22, restarts: 500, tolerance: 1e-10)
            .largest(count: 3, n: n, start: start, threads: 1, apply: apply))
        print("thick restarts: \(result.cycles) cycles, \(result.products) products, residuals \(result.residuals)")
        XCTAssertTrue(result.converged)
        XCTAssertGreaterThan(result.cycles, 1)
        for c in 0..<3 { XCTAssertEqual(result.values[c], values[c], accuracy: 1e-8 * values[0], "eigenvalue \(c)") }
    }
}
