import Plotting
import XCTest

final class PNGTests: XCTestCase {
    func testRGBFileHasValidChunksAndInflatesToTheRows() throws {
        let (width, height) = (7, 5)
        let pixels = (0..<(width * height * 3)).map { UInt8($0 % 251) }
        let png = try DecodedPNG(PNG.encode(width: width, height: height, channels: 3, pixels: pixels))
        XCTAssertEqual(png.chunks.map(\.type), ["IHDR", "IDAT", "IEND"])
        XCTAssertTrue(png.chunks.allSatisfy(\.crcMatches), "every chunk CRC must match")
        XCTAssertEqual(png.chunks[0].data.count, 13)
        XCTAssertEqual([png.width, png.height, png.bitDepth, png.colorType], [7, 5, 8, 2])
        XCTAssertEqual(png.scanlines.count, height * (1 + width * 3))
        var expected: [UInt8] = []
        for row in 0..<height { expected += [0] + pixels[(row * width * 3)..<((row + 1) * width * 3)] }
        XCTAssertEqual(png.scanlines, expected, "rows must be filter byte 0 followed by the pixels")
    }

    func testRGBAUsesColourType6() throws {
        let pixels: [UInt8] = [255, 0, 0, 128, 0, 255, 0, 255]
        let png = try DecodedPNG(PNG.encode(width: 2, height: 1, channels: 4, pixels: pixels))
        XCTAssertEqual([png.width, png.height, png.colorType], [2, 1, 6])
        XCTAssertEqual(png.scanlines, [0] + pixels)
    }

    func testRasterPNGMatchesItsPixels() throws {
        var raster = Raster(width: 300, height: 200, background: Color(red: 10, green: 20, blue: 30))
        XCTAssertEqual(raster.pixel(x: 299, y: 199), Color(red: 10, green: 20, blue: 30))
        raster = Canvas(width: 300, height: 200, background: Color(red: 10, green: 20, blue: 30)).raster()
        let png = try DecodedPNG(raster.pngData())
        XCTAssertEqual([png.width, png.height], [300, 200])
        XCTAssertEqual(png.scanlines.count, 200 * (1 + 300 * 3))
        XCTAssertEqual(Array(png.scanlines[1...3]), [10, 20, 30])
    }
}
