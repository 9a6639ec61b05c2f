import Plotting
import XCTest

final class CanvasTests: XCTestCase {
    private let red = Color(red: 220, green: 30, blue: 30)

    /// The bounding box (minX, minY, maxX, maxY) of every pixel that is not `background`.
    private func inkBox(_ raster: Raster, background: Color = .white) -> (Int, Int, Int, Int)? {
        var box: (Int, Int, Int, Int)?
        for y in 0..<raster.height {
            for x in 0..<raster.width where raster.pixel(x: x, y: y) != background {
                box = box.map { (min($0.0, x), min($0.1, y), max($0.2, x), max($0.3, y)) } ?? (x, y, x, y)
            }
        }
        return box
    }

    func testFillStaysInsideTheClip() {
        var canvas = Canvas(width: 40, height: 30)
        canvas.clip = Rect(x: 10, y: 5, width: 20, height: 10)
        canvas.fill(Rect(x: -100, y: -100, width: 1000, height: 1000), color: red)
        let raster = canvas.raster()
        XCTAssertEqual(raster.pixel(x: 10, y: 5), red)
        XCTAssertEqual(raster.pixel(x: 29, y: 14), red)
        XCTAssertTrue(inkBox(raster)! == (10, 5, 29, 14))
    }

    func testLinesAreClippedAndFarEndpointsAreSafe() {
        var canvas = Canvas(width: 50, height: 50)
        canvas.clip = Rect(x: 0, y: 0, width: 25, height: 50)
        canvas.line(from: Point(x: -1e12, y: 20), to: Point(x: 1e12, y: 20), color: red, width: 2)
        let raster = canvas.raster()
        XCTAssertEqual(raster.pixel(x: 0, y: 19), red)
        XCTAssertEqual(raster.pixel(x: 24, y: 20), red)
        XCTAssertTrue(inkBox(raster)! == (0, 19, 24, 20), "a 2-pixel line at y = 20 covers rows 19 and 20, left of the clip edge")
    }

    func testDiagonalLineIsAntialiasedAndContinuous() {
        var canvas = Canvas(width: 30, height: 30)
        canvas.line(from: Point(x: 2, y: 2), to: Point(x: 28, y: 28), color: .black, width: 2)
        let raster = canvas.raster()
        for i in 3..<27 { XCTAssertEqual(raster.pixel(x: i, y: i), .black, "pixel (\(i), \(i)) lies on the line") }
        XCTAssertEqual(raster.pixel(x: 20, y: 5), .white)
        let edge = raster.pixel(x: 11, y: 10)
        XCTAssertTrue(edge.red > 0 && edge.red < 255, "edge pixels are blended, got \(edge)")
    }

    func testCircleCoversItsDiscOnly() {
        var canvas = Canvas(width: 40, height: 40)
        canvas.fillCircle(center: Point(x: 20, y: 20), radius: 5, color: red)
        let raster = canvas.raster()
        XCTAssertEqual(raster.pixel(x: 20, y: 20), red)
        XCTAssertEqual(raster.pixel(x: 16, y: 20), red)
        XCTAssertEqual(raster.pixel(x: 26, y: 20), .white)
        XCTAssertEqual(raster.pixel(x: 24, y: 24), .white, "the square's corner is outside the disc")
        let box = inkBox(raster)!
        XCTAssertTrue(box == (15, 15, 24, 24), "disc of radius 5 around (20, 20) spans pixels 15...24, got \(box)")
    }

    func testTranslucentPaintBlends() {
        var canvas = Canvas(width: 4, height: 4)
        canvas.fill(Rect(x: 0, y: 0, width: 4, height: 4), color: Color(red: 0, green: 0, blue: 255, opacity: 0.5))
        XCTAssertEqual(canvas.raster().pixel(x: 1, y: 1), Color(red: 128, green: 128, blue: 255))
    }

    func testTextInkFillsItsBox() {
        var canvas = Canvas(width: 120, height: 60)
        canvas.text("HT", at: Point(x: 10, y: 20), scale: 2)
        let width = Canvas.textWidth("HT", scale: 2), height = Canvas.textHeight(scale: 2)
        XCTAssertEqual(width, 22)
        XCTAssertEqual(height, 14)
        let box = inkBox(canvas.raster())!
        XCTAssertTrue(box == (10, 20, 31, 33), "capitals fill exactly their 22×14 box, got \(box)")
    }

    func testDescendersHangBelowTheBaseline() {
        var canvas = Canvas(width: 120, height: 60)
        canvas.text("gy", at: Point(x: 60, y: 40), scale: 2, horizontal: .center, vertical: .bottom)
        let box = inkBox(canvas.raster())!
        XCTAssertTrue(box == (49, 30, 70, 43), "x-height from row 2, descenders 2 font pixels below the baseline, got \(box)")
    }

    func testRotatedTextReadsUpwards() {
        var canvas = Canvas(width: 60, height: 120)
        canvas.text("L", at: Point(x: 30, y: 60), scale: 2, horizontal: .center, vertical: .middle, rotated: true)
        let raster = canvas.raster()
        let box = inkBox(raster)!
        XCTAssertTrue(box == (23, 55, 36, 64), "a turned L is 14 wide and 10 tall around the point, got \(box)")
        // L's vertical stroke becomes the bottom row; its foot points up at the right edge.
        XCTAssertEqual(raster.pixel(x: 24, y: 64), .black)
        XCTAssertEqual(raster.pixel(x: 36, y: 55), .black)
        XCTAssertEqual(raster.pixel(x: 24, y: 55), .white)
    }

    func testCharactersOutsideASCIIDrawAsQuestionMarks() {
        var accented = Canvas(width: 40, height: 20), question = Canvas(width: 40, height: 20)
        accented.text("é", at: Point(x: 2, y: 2))
        question.text("?", at: Point(x: 2, y: 2))
        XCTAssertEqual(accented.raster().pixels, question.raster().pixels)
    }
}
