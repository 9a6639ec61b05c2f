import Foundation
import TestSupport
import XCTest

/// Small input files written into a fresh temporary folder.
enum Fixtures {
    static func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = TestPaths.temporaryDirectory("datasets").appendingPathComponent(name).path
        precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    static func file(_ name: String, _ text: String) -> String { file(name, Array(text.utf8)) }

    /// An IDX file of unsigned bytes with the given dimensions.
    static func idx(_ name: String, dimensions: [Int], values: [UInt8]) -> String {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { bytes += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
        return file(name, bytes + values)
    }

    /// Gzips `path` in place (keeps the name, adds .gz) with the system gzip.
    static func gzip(_ path: String) throws -> String {
        let result = try ProcessRunner.run("/bin/gzip", ["-kf", path], timeout: 30)
        XCTAssertEqual(result.status, 0, result.stderr)
        return path + ".gz"
    }
}
