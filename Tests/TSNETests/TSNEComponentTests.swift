import Randomness
import Collectives
import Foundation
import LinearAlgebra
import Neighbors
import Randomness
import TSNE
import TestSupport
import XCTest

/// The parts of t-SNE against their definitions: the perplexity search, the symmetric P, the
/// Barnes-Hut repulsion against the exact sum, the sparse kNN against the dense one, the PCA start.
final class TSNEComponentTests: XCTestCase {
    /// Points of `blobs` (3000 × 10, the golden file) or a seeded Gaussian cloud.
    private func cloud(rows: Int, cols: Int, seed: UInt64) -> Matrix {
        var g = tsneTestGenerator(seed)
        return Matrix(rows: rows, cols: cols, storage: (0..<rows * cols).map { _ in 3 * g.nextNormalFloat() })
    }

    func testEveryRowsEntropyIsTheLogOfThePerplexity() {
        let data = cloud(rows: 400, cols: 5, seed: 3)
        let k = 91
        let graph = ExactKNN.search(data, queries: 0..<data.rows, k: k + 1, metric: .euclidean)
        var squared: [Float] = []
        for r in 0..<data.rows { for s in 1...k { let d = graph.distances[r * (k + 1) + s]; squared.append(d * d) } }
        let result = PerplexitySearch.solve(squaredDistances: squared, k: k, perplexity: 30, threads: 2)
        for r in 0..<data.rows {
            let row = result.probabilities[r * k..<(r + 1) * k]
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-12, "row \(r) of p(j|i) sums to 1")
            // The entropy from the probabilities themselves, not the search's own bookkeeping.
            let h = -row.reduce(0.0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            XCTAssertEqual(h, log(30), accuracy: 1e-5, "row \(r) entropy")
            XCTAssertEqual(result.entropies[r], log(30), accuracy: 1e-5)
        }
    }

    func testJointProbabilitiesAreSymmetricAndSumToOne() {
        let data = cloud(rows: 300, cols: 4, seed: 5)
        let k = 20
        let graph = ExactKNN.search(data, queries: 0..<data.rows, k: k + 1, metric: .euclidean)
        var neighbors: [Int32] = [], squared: [Float] = []
        for r in 0..<data.rows {
            for s in 1...k { neighbors.append(graph.indices[r * (k + 1) + s]); let d = graph.distances[r * (k + 1) + s]; squared.append(d * d) }
        }
        let c = PerplexitySearch.solve(squaredDistances: squared, k: k, perplexity: 6)
        let p = JointProbabilities.symmetrised(own: 0..<data.rows, total: data.rows, k: k, neighbors: neighbors,
                                               conditional: c.probabilities, world: LocalCommunicator())
        var entries: [Int: Float] = [:]
        for r in 0..<data.rows {
            for e in p.rowPointers[r]..<p.rowPointers[r + 1] { entries[r * data.rows + Int(p.columns[e])] = p.values[e] }
        }
        XCTAssertEqual(Double(p.values.reduce(0, +)), 1, accuracy: 1e-5)
        for (key, value) in entries {
            let (i, j) = (key / data.rows, key % data.rows)
            XCTAssertEqual(entries[j * data.rows + i], value, "P(\(i),\(j)) = P(\(j),\(i))")
        }
        // p_ij = (p(j|i) + p(i|j)) / 2N for one pair.
        let i = 7, j = Int(neighbors[7 * k])
        var pji = c.probabilities[7 * k], pij = 0.0
        for s in 0..<k where neighbors[j * k + s] == Int32(i) { pij = c.probabilities[j * k + s] }
        pji += pij
        XCTAssertEqual(Double(entries[i * data.rows + j]!), pji / Double(2 * data.rows), accuracy: 1e-9)
    }

    func testBarnesHutRepulsionMatchesTheExactSum() {
        var g = tsneTestGenerator(11)
        // 200 points in three lumps and a spread, as a t-SNE map looks mid-run.
        var positions: [Float] = []
        for i in 0..<200 {
            let lump = Float(i % 3) * 8
            positions += [lump + 2 * g.nextNormalFloat(), lump / 2 + 2 * g.nextNormalFloat()]
        }
        let exactTree = BarnesHutTree(positions: positions)
        var worstForce = 0.0, worstZ = 0.0
        var totalZ = 0.0, totalZApprox = 0.0, forceError = 0.0, forceNorm = 0.0
        for i in 0..<200 {
            let exact = BarnesHutTree.exactRepulsion(of: i, positions: positions)
            let zero = exactTree.repulsion(of: i, thetaSquared: 0)
            XCTAssertEqual(zero.z, exact.z, accuracy: 1e-12 * exact.z, "θ = 0 is exact (Z, point \(i))")
            XCTAssertEqual(zero.fx, exact.fx, accuracy: 1e-12)
            XCTAssertEqual(zero.fy, exact.fy, accuracy: 1e-12)
            let half = exactTree.repulsion(of: i, thetaSquared: 0.25)
            let norm = (exact.fx * exact.fx + exact.fy * exact.fy).squareRoot()
            let error = ((half.fx - exact.fx) * (half.fx - exact.fx) + (half.fy - exact.fy) * (half.fy - exact.fy)).squareRoot()
            worstForce = max(worstForce, error / norm)
            forceError += error
            forceNorm += norm
            worstZ = max(worstZ, abs(half.z - exact.z) / exact.z)
            totalZ += exact.z
            totalZApprox += half.z
        }
        XCTAssertLessThan(worstZ, 0.02, "θ = 0.5: each point's Z within 2%")
        // A point's net repulsion can nearly cancel, so the force bound is on the sum over points.
        XCTAssertLessThan(forceError / forceNorm, 0.03, "θ = 0.5: repulsion within 3% (Σ‖error‖ / Σ‖force‖)")
        XCTAssertLessThan(worstForce, 0.25, "θ = 0.5: each point's repulsion within 25%")
        XCTAssertEqual(totalZApprox, totalZ, accuracy: 0.005 * totalZ, "θ = 0.5: Z within 0.5%")
        print("Barnes-Hut θ = 0.5 on 200 points: force error \(forceError / forceNorm) (worst point \(worstForce)), Z error \(abs(totalZApprox - totalZ) / totalZ) (worst point \(worstZ)), cells \(exactTree.cells)")
    }

    func testCoincidentPointsShareALeafAndRepelOnlyOthers() {
        let positions: [Float] = [0, 0, 0, 0, 0, 0, 1, 1]
        let tree = BarnesHutTree(positions: positions)
        let r = tree.repulsion(of: 0, thetaSquared: 0.25)
        let exact = BarnesHutTree.exactRepulsion(of: 0, positions: positions)
        XCTAssertEqual(r.z, exact.z, accuracy: 1e-12)
        XCTAssertEqual(r.fx, exact.fx, accuracy: 1e-12)
    }

    func testSparseNeighboursEqualTheDenseOnes() {
        var data = cloud(rows: 250, cols: 12, seed: 2)
        // Sparse-looking rows: about two thirds of the entries zero.
        var g = tsneTestGenerator(9)
        for e in 0..<data.storage.count where g.below(3) != 0 { data.storage[e] = 0 }
        let k = 15
        let dense = ExactKNN.search(data, queries: 0..<data.rows, k: k + 1, metric: .euclidean)
        let sparse = SparseNeighbors.search(CSRMatrix(dense: data), queries: 40..<250, k: k, threads: 2)
        var same = 0
        for q in 40..<250 {
            let a = Set(dense.indices[q * (k + 1) + 1..<(q + 1) * (k + 1)])
            let b = Set(sparse.indices[(q - 40) * k..<(q - 39) * k])
            same += a.intersection(b).count
            let d = dense.distances[q * (k + 1) + 1]
            XCTAssertEqual(sparse.squaredDistances[(q - 40) * k], d * d, accuracy: 1e-3 * max(1, d * d))
        }
        XCTAssertGreaterThanOrEqual(Double(same) / Double(210 * k), 0.999)
    }

    func testPCAStartHasTheScaledFirstAxis() {
        // An elongated cloud: axis 0 dominant, then axis 1.
        var g = tsneTestGenerator(4)
        var storage: [Float] = []
        for _ in 0..<500 { storage += [10 * g.nextNormalFloat(), 3 * g.nextNormalFloat(), g.nextNormalFloat(), 0.5 * g.nextNormalFloat()] }
        let data = Matrix(rows: 500, cols: 4, storage: storage)
        let start = Initialisation.pca(data, threads: 2)
        let x = (0..<500).map { Double(start[2 * $0]) }, y = (0..<500).map { Double(start[2 * $0 + 1]) }
        let mx = x.reduce(0, +) / 500, my = y.reduce(0, +) / 500
        let sx = (x.map { ($0 - mx) * ($0 - mx) }.reduce(0, +) / 500).squareRoot()
        let sy = (y.map { ($0 - my) * ($0 - my) }.reduce(0, +) / 500).squareRoot()
        XCTAssertEqual(sx, 1e-4, accuracy: 1e-9, "column 0 has std 1e-4")
        XCTAssertEqual(sy / sx, 0.3, accuracy: 0.05, "column 1 keeps its ratio to column 0")
        // Column 0 follows input axis 0: their correlation (means removed, over the sample's own spread).
        let u = (0..<500).map { Double(storage[4 * $0]) }
        let mu = u.reduce(0, +) / 500
        let su = (u.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / 500).squareRoot()
        var c = 0.0
        for i in 0..<500 { c += (x[i] - mx) * (u[i] - mu) }
        XCTAssertGreaterThan(abs(c) / (500 * sx * su), 0.95)
    }

    func testTheMapDoesNotDependOnTheThreadCount() throws {
        let data = cloud(rows: 500, cols: 6, seed: 8)
        var parameters = TSNEParameters()
        parameters.maxIterations = 300
        let one = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator(), threads: 1)
        let three = try TSNE.fit(data, parameters: parameters, world: LocalCommunicator(), threads: 3)
        XCTAssertEqual(one.embedding, three.embedding)
        XCTAssertEqual(one.klDivergence, three.klDivergence)
        let sparse1 = try TSNE.fit(.sparse(CSRMatrix(dense: data)), parameters: parameters, world: LocalCommunicator(), threads: 1)
        let sparse3 = try TSNE.fit(.sparse(CSRMatrix(dense: data)), parameters: parameters, world: LocalCommunicator(), threads: 3)
        XCTAssertEqual(sparse1.embedding, sparse3.embedding)
    }

    func testSettingsThatCannotRunAreRefused() {
        var parameters = TSNEParameters()
        XCTAssertThrowsError(try parameters.validate(rows: 20)) // perplexity 30 ≥ 20 rows
        parameters.perplexity = 5
        XCTAssertNoThrow(try parameters.validate(rows: 20))
        parameters.initialisation = .pca
        let sparse = CSRMatrix(dense: Matrix(rows: 20, cols: 3, repeating: 1))
        XCTAssertThrowsError(try TSNE.fit(.sparse(sparse), parameters: parameters, world: LocalCommunicator()))
        let column = Matrix(rows: 40, cols: 1, storage: (0..<40).map(Float.init))
        XCTAssertThrowsError(try TSNE.fit(column, parameters: parameters, world: LocalCommunicator()))
        XCTAssertEqual(TSNEParameters().neighbors(rows: 3000), 91)
        XCTAssertEqual(TSNEParameters().step(rows: 3000), 62.5)
        XCTAssertEqual(TSNEParameters().step(rows: 1000), 50)
    }
}
