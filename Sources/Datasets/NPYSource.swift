import LinearAlgebra
import Storage

/// A `.npy` float32/float64 array (1-d as one column); read whole by `Storage.NPY`, no labels.
struct NPYSource: RowSource {
    let matrix: Matrix

    init(_ spec: DatasetSpec) throws {
        let whole = try NPY.readMatrix(path: spec.path)
        matrix = spec.maxRows.map { whole.rows(0..<min($0, whole.rows)) } ?? whole
    }

    var rowCount: Int { matrix.rows }

    func read(_ rows: [Int]) throws -> RowsRead {
        (.dense(matrix.gatherRows(rows)), nil)
    }
}
