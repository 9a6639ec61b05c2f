import LinearAlgebra
import Storage

/// A `.npy` float32/float64 array (1-d as one column); read whole by `Storage.NPY`, no labels.
struct NPYSource: RowSource {
    let matrix: Matrix

    init(path: String, maxRows: Int?) throws {
        let whole = try NPY.readMatrix(path: path)
        matrix = maxRows.map { whole.rows(0..<min($0, whole.rows)) } ?? whole
    }

    var rowCount: Int { matrix.rows }
    var hasLabels: Bool { false }
    var columns: Int? { matrix.cols }

    func read(_ rows: [Int]) throws -> RowsRead {
        (.dense(matrix.gatherRows(rows)), nil)
    }
}
