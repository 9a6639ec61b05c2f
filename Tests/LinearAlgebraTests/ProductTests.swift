import LinearAlgebra
import XCTest

final class ProductTests: XCTestCase {
    private func pseudoRandom(_ rows: Int, _ cols: Int, seed: Int, sparsity: Int = 0) -> Matrix {
        var state = UInt64(seed) &* 6364136223846793005 &+ 1442695040888963407
        var m = Matrix(rows: rows, cols: cols)
        for i in 0..<rows * cols {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let v = Float(state >> 40) / Float(1 << 24) - 0.5
            m.storage[i] = sparsity > 0 && (state >> 20) % UInt64(sparsity) != 0 ? 0 : v
        }
        return m
    }

    private func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, cols: b.cols)
        for i in 0..<a.rows { for j in 0..<b.cols {
            var s: Float = 0
            for k in 0..<a.cols { s += a[i, k] * b[k, j] }
            c[i, j] = s
        } }
        return c
    }

    private func assertClose(_ x: Matrix, _ y: Matrix, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(x.rows, y.rows, file: file, line: line)
        XCTAssertEqual(x.cols, y.cols, file: file, line: line)
        let worst = zip(x.storage, y.storage).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThan(worst, 1e-4, file: file, line: line)
    }

    func testSgemmEqualsNaiveProductInEveryTransposeCombination() {
        let a = pseudoRandom(17, 23, seed: 1), b = pseudoRandom(23, 11, seed: 2)
        let expected = naiveProduct(a, b)
        assertClose(a.multiplied(by: b), expected)
        assertClose(a.transposed().multiplied(by: b, transposeSelf: .transposed), expected)
        assertClose(a.multiplied(by: b.transposed(), transposeOther: .transposed), expected)
        assertClose(a.transposed().multiplied(by: b.transposed(), transposeSelf: .transposed, transposeOther: .transposed), expected)
    }

    func testCSRTimesDenseEqualsDenseProduct() {
        let sparse = pseudoRandom(40, 60, seed: 3, sparsity: 7)
        let dense = pseudoRandom(60, 9, seed: 4)
        let csr = CSRMatrix(dense: sparse)
        XCTAssertLessThan(csr.nonZeroCount, 40 * 60 / 3)
        XCTAssertEqual(csr.densified(), sparse)
        assertClose(csr.multiplied(by: dense), naiveProduct(sparse, dense))
    }

    func testCSRRowSelectionAndStacking() {
        let csr = CSRMatrix(dense: pseudoRandom(10, 8, seed: 5, sparsity: 3))
        XCTAssertEqual(CSRMatrix.vstack([csr.rows(0..<4), csr.rows(4..<10)], cols: 8), csr)
        XCTAssertEqual(csr.gatherRows([7, 2]).densified(), csr.densified().gatherRows([7, 2]))
    }

    func testThreadsPerRankSharesTheCores() {
        XCTAssertEqual(BLAS.threadsPerRank(ranksOnMachine: 1, cores: 8), 8)
        XCTAssertEqual(BLAS.threadsPerRank(ranksOnMachine: 4, cores: 8), 2)
        XCTAssertEqual(BLAS.threadsPerRank(ranksOnMachine: 8, cores: 2), 1)
        XCTAssertEqual(BLAS.threadsPerRank(ranksOnMachine: 8, cores: 2, requested: 3), 3)
    }
}
