/// A dense matrix of `Float`, row-major and contiguous: element (i, j) is `storage[i * cols + j]`.
public struct Matrix: Equatable, Sendable {
    public private(set) var rows: Int
    public private(set) var cols: Int
    /// The elements, row after row.
    public var storage: [Float]

    /// A `rows × cols` matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: Float = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        storage = [Float](repeating: value, count: rows * cols)
    }

    /// A matrix over existing row-major elements; `storage.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, storage: [Float]) {
        precondition(storage.count == rows * cols, "matrix of \(rows)×\(cols) needs \(rows * cols) elements, got \(storage.count)")
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// A matrix from an array of equally long rows.
    public init(_ rowArrays: [[Float]]) {
        let cols = rowArrays.first?.count ?? 0
        precondition(rowArrays.allSatisfy { $0.count == cols }, "rows differ in length")
        self.init(rows: rowArrays.count, cols: cols, storage: rowArrays.flatMap { $0 })
    }

    @inlinable public subscript(row: Int, col: Int) -> Float {
        get { storage[row * cols + col] }
        set { storage[row * cols + col] = newValue }
    }

    /// Row `i` as a new array.
    public func row(_ i: Int) -> [Float] {
        Array(storage[i * cols..<(i + 1) * cols])
    }

    /// The rows `range` as a new matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        Matrix(rows: range.count, cols: cols, storage: Array(storage[range.lowerBound * cols..<range.upperBound * cols]))
    }

    /// The rows at `indices`, in that order, as a new matrix.
    public func gatherRows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, cols: cols)
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for (k, i) in indices.enumerated() {
                    dst.baseAddress!.advanced(by: k * cols).update(from: src.baseAddress!.advanced(by: i * cols), count: cols)
                }
            }
        }
        return out
    }

    /// The transpose.
    public func transposed() -> Matrix {
        var out = Matrix(rows: cols, cols: rows)
        for i in 0..<rows { for j in 0..<cols { out.storage[j * rows + i] = storage[i * cols + j] } }
        return out
    }

    /// Reinterprets the elements as `rows × cols` (same count).
    public mutating func reshape(rows: Int, cols: Int) {
        precondition(rows * cols == storage.count, "reshape to \(rows)×\(cols) changes the element count")
        self.rows = rows
        self.cols = cols
    }
}
