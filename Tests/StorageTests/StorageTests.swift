import LinearAlgebra
import Storage
import TestSupport
import XCTest

final class StorageTests: XCTestCase {
    func testNPYRoundTripAndHeaderAlignment() throws {
        let m = Matrix(rows: 3, cols: 2, storage: [1, -2, 3.5, 4, 5, 6.25])
        let bytes = NPY.encode(m)
        let header = try NPY.parseHeader(bytes, path: "x.npy")
        XCTAssertEqual(header.dataOffset % 64, 0)
        XCTAssertEqual(header.shape, [3, 2])
        XCTAssertEqual(try NPY.decodeMatrix(bytes, path: "x.npy"), m)
    }

    func testNPYRefusesHugeShapesTruncationAndBadDtypes() {
        // Same header length: the announced shape grows into the padding.
        var huge = NPY.encode(Matrix(rows: 1, cols: 1))
        let small = Array("(1, 1), }".utf8) + [UInt8](repeating: 32, count: 14)
        let start = (0...(huge.count - small.count)).first { Array(huge[$0..<$0 + small.count]) == small }!
        huge.replaceSubrange(start..<start + small.count, with: Array("(99999999999, 99999), }".utf8))
        XCTAssertThrowsError(try NPY.decodeMatrix(huge, path: "big.npy")) { XCTAssertTrue("\($0)".contains("larger than")) }
        let cut = Array(NPY.encode(Matrix(rows: 4, cols: 4)).dropLast(8))
        XCTAssertThrowsError(try NPY.decodeMatrix(cut, path: "cut.npy")) { XCTAssertTrue("\($0)".contains("truncated")) }
        let ints = NPY.encode([1, 2, 3], shape: [3])
        XCTAssertThrowsError(try NPY.decodeMatrix(ints, path: "i.npy")) { XCTAssertTrue("\($0)".contains("unsupported dtype '<i8'")) }
        XCTAssertThrowsError(try NPY.decodeMatrix(Array("hello".utf8), path: "h.npy")) { XCTAssertTrue("\($0)".contains("not an .npy")) }
    }

    func testAtomicWriteReplacesWholeAndKeepsOldFileOnFailure() throws {
        let dir = TestPaths.temporaryDirectory()
        let path = dir.appendingPathComponent("a.txt").path
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertThrowsError(try AtomicFile.write("x", to: dir.appendingPathComponent("missing/a.txt").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.txt"])
    }
}
