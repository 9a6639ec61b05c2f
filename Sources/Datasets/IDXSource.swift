import Foundation
import LinearAlgebra
import Storage

/// IDX images (flattened, scaled to [0, 1]) with labels from the matching labels file when it exists:
/// `…-images-idx3-ubyte[.gz]` pairs with `…-labels-idx1-ubyte[.gz]` in the same folder.
struct IDXSource: RowSource {
    let images: IDXFile
    let labels: IDXFile?
    let rowCount: Int

    init(path: String, maxRows: Int?) throws {
        images = try IDXFile(path: path)
        rowCount = min(images.dimensions[0], maxRows ?? Int.max)
        try images.requireRows(rowCount)
        if let labelPath = Self.labelsPath(for: path), FileManager.default.fileExists(atPath: labelPath) {
            let file = try IDXFile(path: labelPath)
            guard file.dimensions[0] == images.dimensions[0], file.rowLength == 1 else {
                throw FileError(path: labelPath, problem: "holds \(file.dimensions) labels, but \(path) holds \(images.dimensions[0]) rows")
            }
            try file.requireRows(rowCount)
            labels = file
        } else {
            labels = nil
        }
    }

    var hasLabels: Bool { labels != nil }
    var columns: Int? { images.rowLength }

    /// The labels file beside an images file, by the MNIST naming convention.
    static func labelsPath(for imagesPath: String) -> String? {
        let url = URL(fileURLWithPath: imagesPath)
        let name = url.lastPathComponent
        guard name.contains("images-idx3") else { return nil }
        return url.deletingLastPathComponent()
            .appendingPathComponent(name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")).path
    }

    func read(_ rows: [Int]) throws -> RowsRead {
        let positions = Self.positions(of: rows, in: rowCount)
        let cols = images.rowLength
        var matrix = Matrix(rows: rows.count, cols: cols)
        try matrix.storage.withUnsafeMutableBufferPointer { storage in
            try images.forEachRow(limit: rowCount) { r, bytes in
                for position in positions[r] {
                    for j in 0..<cols { storage[position * cols + j] = Float(bytes[j]) / 255 }
                }
            }
        }
        guard let labels else { return (.dense(matrix), nil) }
        var names = [String](repeating: "", count: rows.count)
        try labels.forEachRow(limit: rowCount) { r, bytes in
            for position in positions[r] { names[position] = String(bytes[0]) }
        }
        return (.dense(matrix), names)
    }

    /// For each file row, where it goes in the requested order (usually nowhere or one place).
    private static func positions(of rows: [Int], in count: Int) -> [[Int]] {
        var positions = [[Int]](repeating: [], count: count)
        for (position, row) in rows.enumerated() { positions[row].append(position) }
        return positions
    }
}
