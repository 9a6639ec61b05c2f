import CZlib
import Foundation
import Storage

/// An IDX file (the MNIST format), gzip-compressed or plain (zlib reads both): a big-endian header
/// `0, 0, type, dims` with one 32-bit size per dimension, then the values. Only unsigned bytes
/// (type 0x08) are accepted, as MNIST and Fashion-MNIST use. Rows are read in one streaming pass.
struct IDXFile {
    let path: String
    /// The size of each dimension; the first counts the rows.
    let dimensions: [Int]

    /// Values per row: the product of the dimensions after the first (1 for a label file).
    var rowLength: Int { dimensions.dropFirst().reduce(1, *) }

    init(path: String) throws {
        self.path = path
        let file = try Self.open(path)
        defer { gzclose(file) }
        dimensions = try Self.readHeader(file, path: path)
    }

    /// Streams the first `rowLimit` rows and hands each row index and its bytes to `body`.
    func forEachRow(limit rowLimit: Int, _ body: (Int, UnsafeBufferPointer<UInt8>) -> Void) throws {
        let file = try Self.open(path)
        defer { gzclose(file) }
        _ = try Self.readHeader(file, path: path)
        var row = [UInt8](repeating: 0, count: rowLength)
        for r in 0..<min(rowLimit, dimensions[0]) {
            let got = row.withUnsafeMutableBytes { Self.read(file, into: $0) }
            guard got == rowLength else {
                throw FileError(path: path, problem: "truncated: the header announces \(dimensions[0]) rows of \(rowLength) values, but the data ends in row \(r)")
            }
            row.withUnsafeBufferPointer { body(r, $0) }
        }
    }

    private static func open(_ path: String) throws -> gzFile {
        guard access(path, R_OK) == 0, let file = gzopen(path, "rb") else {
            throw FileError(path: path, problem: "cannot open the file (\(String(cString: strerror(errno))))")
        }
        return file
    }

    private static func readHeader(_ file: gzFile, path: String) throws -> [Int] {
        var magic = [UInt8](repeating: 0, count: 4)
        let got = magic.withUnsafeMutableBytes { read(file, into: $0) }
        guard got == 4, magic[0] == 0, magic[1] == 0, magic[3] >= 1 else {
            let seen = magic.prefix(max(got, 0)).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw FileError(path: path, problem: "not an IDX file: the magic number should be 00 00 <type> <dimensions>, found '\(seen)'")
        }
        guard magic[2] == 0x08 else {
            throw FileError(path: path, problem: String(format: "unsupported IDX element type 0x%02x; n2d-mpi reads unsigned bytes (0x08)", magic[2]))
        }
        var sizes = [UInt8](repeating: 0, count: 4 * Int(magic[3]))
        guard sizes.withUnsafeMutableBytes({ read(file, into: $0) }) == sizes.count else {
            throw FileError(path: path, problem: "truncated: the header announces \(magic[3]) dimensions but ends early")
        }
        let dimensions = (0..<Int(magic[3])).map { d in
            sizes[4 * d..<4 * d + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        // Validate before anything is sized by the header (the product of the sizes may overflow).
        var elements = 1
        for size in dimensions.dropFirst() + dimensions.prefix(1) {
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow, product <= maximumElements else {
                throw FileError(path: path, problem: "header announces dimensions \(dimensions), larger than n2d-mpi accepts (\(maximumElements) values)")
            }
            elements = product
        }
        guard dimensions.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw FileError(path: path, problem: "header announces dimensions \(dimensions): a row holds no values")
        }
        return dimensions
    }

    /// The most values an IDX file may announce (2^34, as `.npy`).
    static let maximumElements = 1 << 34

    /// Throws unless the data holds the first `rows` rows, before anything is allocated for them.
    func requireRows(_ rows: Int) throws {
        guard rows > 0 else { return }
        let file = try Self.open(path)
        defer { gzclose(file) }
        _ = try Self.readHeader(file, path: path)
        var last: UInt8 = 0
        let got = gzseek(file, rows * rowLength - 1, SEEK_CUR) < 0 ? 0 : withUnsafeMutableBytes(of: &last) { Self.read(file, into: $0) }
        guard got == 1 else {
            throw FileError(path: path, problem: "truncated: the header announces \(dimensions[0]) rows of \(rowLength) values, but the data ends in row \(try dataBytes() / rowLength)")
        }
    }

    /// The bytes after the header (read through; called only for a file shorter than its header says).
    private func dataBytes() throws -> Int {
        let file = try Self.open(path)
        defer { gzclose(file) }
        _ = try Self.readHeader(file, path: path)
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var total = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { Self.read(file, into: $0) }
            guard n > 0 else { return total }
            total += n
        }
    }

    /// Reads up to `buffer.count` bytes; the count read (0 at the end, negative on error).
    private static func read(_ file: gzFile, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard buffer.count > 0 else { return 0 }
        return Int(gzread(file, buffer.baseAddress, UInt32(buffer.count)))
    }
}
