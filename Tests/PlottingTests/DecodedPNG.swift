import CZlib
import XCTest

/// A PNG file taken apart for checking: chunks with verified CRCs, IHDR fields, and the IDAT
/// stream inflated with zlib's `uncompress`.
struct DecodedPNG {
    struct Chunk {
        var type: String
        var data: [UInt8]
        var crcMatches: Bool
    }

    var chunks: [Chunk] = []
    var width = 0
    var height = 0
    var bitDepth = 0
    var colorType = 0
    /// The inflated IDAT bytes: per row one filter byte then the pixel bytes.
    var scanlines: [UInt8] = []

    init(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "signature", file: file, line: line)
        var offset = 8
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while offset + 12 <= bytes.count {
            let length = u32(offset)
            let typeAndData = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            let crc = typeAndData.withUnsafeBufferPointer { Int(crc32(0, $0.baseAddress, uInt($0.count))) }
            chunks.append(Chunk(type: String(decoding: typeAndData.prefix(4), as: UTF8.self),
                                data: Array(typeAndData.dropFirst(4)), crcMatches: crc == u32(offset + 8 + length)))
            offset += 12 + length
        }
        XCTAssertEqual(offset, bytes.count, "chunks must end exactly at the end of the file", file: file, line: line)
        let header = try XCTUnwrap(chunks.first { $0.type == "IHDR" }).data
        width = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        height = header[4..<8].reduce(0) { $0 << 8 | Int($1) }
        bitDepth = Int(header[8])
        colorType = Int(header[9])
        let compressed = chunks.filter { $0.type == "IDAT" }.flatMap(\.data)
        let channels = colorType == 6 ? 4 : 3
        // One byte more than expected, so a stream that inflates too long is caught.
        var size = uLongf(height * (1 + width * channels) + 1)
        scanlines = [UInt8](repeating: 0, count: Int(size))
        let status = scanlines.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        XCTAssertEqual(status, Z_OK, "IDAT must inflate", file: file, line: line)
        scanlines.removeSubrange(Int(size)...)
    }
}
