import Foundation
import LinearAlgebra

/// NumPy `.npy` files (format 1.0/2.0/3.0, little-endian, C order), as `numpy.load` reads them.
public enum NPY {
    /// The largest array a header may announce (elements): a header claiming more is refused
    /// before anything is allocated.
    public static let maximumElements = 1 << 34

    /// Encodes a 2-d float32 array.
    public static func encode(_ matrix: Matrix) -> [UInt8] {
        encode(shape: [matrix.rows, matrix.cols], descr: "<f4", payload: matrix.storage.withUnsafeBytes { Array($0) })
    }

    /// Encodes a 1-d or 2-d int64 array.
    public static func encode(_ values: [Int64], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        return encode(shape: shape, descr: "<i8", payload: values.withUnsafeBytes { Array($0) })
    }

    /// Encodes a 1-d or 2-d float64 array.
    public static func encode(doubles values: [Double], shape: [Int]) -> [UInt8] {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        return encode(shape: shape, descr: "<f8", payload: values.withUnsafeBytes { Array($0) })
    }

    /// Reads a 2-d float64 array without rounding (what `encode(doubles:shape:)` wrote):
    /// its rows, columns and values in C order. Errors name the file.
    public static func readDoubles(path: String) throws -> (rows: Int, cols: Int, values: [Double]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, problem: "cannot read the file (missing or unreadable)")
        }
        let bytes = Array(data)
        let header = try parseHeader(bytes, path: path)
        guard header.descr == "<f8", !header.fortranOrder, header.shape.count == 2 else {
            throw FileError(path: path, problem: "expected a 2-d little-endian float64 array in C order, found '\(header.descr)' of shape \(header.shape)")
        }
        let count = header.shape[0] * header.shape[1]
        guard bytes.count - header.dataOffset >= count * 8 else {
            throw FileError(path: path, problem: "truncated: the header announces \(header.shape[0])×\(header.shape[1]) values but the file holds \((bytes.count - header.dataOffset) / 8)")
        }
        let values = bytes.withUnsafeBytes { raw in
            (0..<count).map { raw.loadUnaligned(fromByteOffset: header.dataOffset + $0 * 8, as: Double.self) }
        }
        return (header.shape[0], header.shape[1], values)
    }

    private static func encode(shape: [Int], descr: String, payload: [UInt8]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let length = UInt16(header.utf8.count)
        bytes += [UInt8(length & 0xff), UInt8(length >> 8)]
        bytes += Array(header.utf8)
        bytes += payload
        return bytes
    }

    /// Reads a 2-d (or 1-d, as one column) float32/float64 array as a `Matrix`. Errors name the file.
    public static func readMatrix(path: String) throws -> Matrix {
        try InputFile.check(path)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileError(path: path, problem: "cannot read the file (missing or unreadable)")
        }
        return try decodeMatrix(Array(data), path: path)
    }

    /// Decodes the bytes of a float32/float64 `.npy` file into a `Matrix`.
    public static func decodeMatrix(_ bytes: [UInt8], path: String) throws -> Matrix {
        let header = try parseHeader(bytes, path: path)
        guard header.shape.count == 1 || header.shape.count == 2 else {
            throw FileError(path: path, problem: "expected a 1-d or 2-d array, found shape \(header.shape)")
        }
        let rows = header.shape[0], cols = header.shape.count == 2 ? header.shape[1] : 1
        let count = rows * cols
        let width: Int
        switch header.descr {
        case "<f4", "|f4": width = 4
        case "<f8", "|f8": width = 8
        default:
            throw FileError(path: path, problem: "unsupported dtype '\(header.descr)': n2d-mpi reads float32 or float64 (little-endian)")
        }
        guard !header.fortranOrder else {
            throw FileError(path: path, problem: "Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray")
        }
        guard bytes.count - header.dataOffset >= count * width else {
            throw FileError(path: path, problem: "truncated: the header announces \(rows)×\(cols) values but the file holds \((bytes.count - header.dataOffset) / width)")
        }
        var storage = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + header.dataOffset
            if width == 4 {
                storage.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: base, count: count * 4)) }
            } else {
                for i in 0..<count { storage[i] = Float(base.loadUnaligned(fromByteOffset: i * 8, as: Double.self)) }
            }
        }
        if let bad = storage.firstIndex(where: { !$0.isFinite }) {
            throw FileError(path: path, problem: "value at row \(bad / max(cols, 1)), column \(bad % max(cols, 1)) is \(storage[bad]) (NaN or infinite values are not accepted)")
        }
        return Matrix(rows: rows, cols: cols, storage: storage)
    }

    /// The parts of an `.npy` header n2d-mpi uses.
    public struct Header: Equatable {
        public var descr: String
        public var fortranOrder: Bool
        public var shape: [Int]
        public var dataOffset: Int
    }

    /// Parses and validates the header; refuses sizes over `maximumElements`.
    public static func parseHeader(_ bytes: [UInt8], path: String) throws -> Header {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw FileError(path: path, problem: "not an .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = bytes[6]
        let lengthBytes = major == 1 ? 2 : 4
        guard major >= 1 && major <= 3, bytes.count >= 8 + lengthBytes else {
            throw FileError(path: path, problem: "unsupported .npy format version \(major)")
        }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard headerLength <= 1 << 20, bytes.count >= start + headerLength else {
            throw FileError(path: path, problem: "truncated or corrupt header (length \(headerLength))")
        }
        let text = String(decoding: bytes[start..<start + headerLength], as: UTF8.self)
        func value(_ key: String) -> Substring? {
            guard let keyRange = text.range(of: "'\(key)':") else { return nil }
            return text[keyRange.upperBound...].drop { $0 == " " }
        }
        guard let descrText = value("descr"), descrText.first == "'",
              let end = descrText.dropFirst().firstIndex(of: "'") else {
            throw FileError(path: path, problem: "header has no dtype ('descr')")
        }
        let descr = String(descrText[descrText.index(after: descrText.startIndex)..<end])
        let fortran = value("fortran_order")?.hasPrefix("True") ?? false
        guard let shapeText = value("shape"), shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw FileError(path: path, problem: "header has no shape")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex)..<close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let n = Int(trimmed), n >= 0 else {
                throw FileError(path: path, problem: "shape entry '\(trimmed)' is not a non-negative integer")
            }
            shape.append(n)
        }
        var elements = 1
        for n in shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: n)
            guard !overflow, product <= maximumElements else {
                throw FileError(path: path, problem: "header announces shape \(shape), larger than n2d-mpi accepts (\(maximumElements) elements)")
            }
            elements = product
        }
        return Header(descr: descr, fortranOrder: fortran, shape: shape, dataOffset: start + headerLength)
    }
}
