import Collectives
import Datasets
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// Every bad input gives a message naming the file (and line) and what was expected.
final class BadInputTests: XCTestCase {
    private func failure(_ spec: DatasetSpec, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            _ = try Dataset.load(spec, world: LocalCommunicator())
            XCTFail("loading \(spec.inputName) should fail", file: file, line: line)
            return ""
        } catch let failure as RankFailure {
            XCTAssertEqual(failure.stage, "read input", file: file, line: line)
            return failure.message
        } catch {
            XCTFail("expected an agreed RankFailure, got \(error)", file: file, line: line)
            return ""
        }
    }

    func testMissingEmptyAndHeaderOnlyCSV() {
        XCTAssertEqual(failure(DatasetSpec(path: "/nonexistent/r.csv")), "/nonexistent/r.csv: no such file")
        let empty = Fixtures.file("e.csv", "")
        XCTAssertEqual(failure(DatasetSpec(path: empty)), "\(empty): the file is empty")
        let headerOnly = Fixtures.file("h.csv", "review,sentiment\n")
        XCTAssertEqual(failure(DatasetSpec(path: headerOnly)), "\(headerOnly) holds no data rows")
    }

    func testTextWithoutAnyTermLeft() {
        let path = Fixtures.file("s.csv", "review,sentiment\nthe a <b>it</b>,positive\n\"I, we\",negative\n")
        XCTAssertEqual(failure(DatasetSpec(path: path, testSize: 0)),
                       "\(path): no features: every training document is empty after cleaning, tokenizing and dropping stop words")
    }

    func testMissingColumnsListTheHeader() {
        let path = Fixtures.file("c.csv", "text,label\nx,y\n")
        XCTAssertEqual(failure(DatasetSpec(path: path)), "\(path), line 1: no column named 'review' in the header; the columns are 'text', 'label'")
        XCTAssertEqual(failure(DatasetSpec(path: path, textColumn: "text", labelColumn: .required("sentiment"))),
                       "\(path), line 1: no column named 'sentiment' in the header; the columns are 'text', 'label'")
    }

    func testUnterminatedQuoteNamesItsLine() {
        let path = Fixtures.file("q.csv", "review,sentiment\n\"ok\",positive\n\"open,negative\nx,y\n")
        XCTAssertEqual(failure(DatasetSpec(path: path)), "\(path), line 3: unterminated quoted field (the quote opens on this line and never closes)")
    }

    func testIDXWrongMagicAndTruncation() {
        let wrong = Fixtures.file("w-images-idx3-ubyte", [0x50, 0x4B, 3, 4, 0, 0, 0, 1])
        XCTAssertEqual(failure(DatasetSpec(path: wrong)), "\(wrong): not an IDX file: the magic number should be 00 00 <type> <dimensions>, found '50 4b 03 04'")
        let cut = Fixtures.idx("t-images-idx3-ubyte", dimensions: [3, 2, 2], values: [UInt8](repeating: 1, count: 9))
        XCTAssertEqual(failure(DatasetSpec(path: cut, testSize: 0)), "\(cut): truncated: the header announces 3 rows of 4 values, but the data ends in row 2")
        let floats = Fixtures.file("f.idx", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0])
        XCTAssertEqual(failure(DatasetSpec(path: floats)), "\(floats): unsupported IDX element type 0x0d; n2d-mpi reads unsigned bytes (0x08)")
    }

    func testNPYBadDtypeAndShape() {
        let ints = Fixtures.file("i.npy", NPY.encode([1, 2, 3], shape: [3]))
        XCTAssertEqual(failure(DatasetSpec(path: ints)), "\(ints): unsupported dtype '<i8': n2d-mpi reads float32 or float64 (little-endian)")
        let cube = Fixtures.file("c.npy", NPY.encode([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2]))
        XCTAssertEqual(failure(DatasetSpec(path: cube)), "\(cube): expected a 1-d or 2-d array, found shape [2, 2, 2]")
    }

    func testNaNAndInfinityInNumericCSVNameTheLine() {
        let path = Fixtures.file("n.csv", "a,b\n1,2\n3,nan\n")
        XCTAssertEqual(failure(DatasetSpec(path: path, format: .numericCSV, testSize: 0)),
                       "\(path), line 3: column 'b' is nan (NaN or infinite values are not accepted)")
        let inf = Fixtures.file("i.csv", "a,b\n1,2\n-inf,4\n")
        XCTAssertEqual(failure(DatasetSpec(path: inf, format: .numericCSV, testSize: 0)),
                       "\(inf), line 3: column 'a' is -inf (NaN or infinite values are not accepted)")
        let text = Fixtures.file("t.csv", "a,b\n1,two\n")
        XCTAssertEqual(failure(DatasetSpec(path: text, format: .numericCSV, testSize: 0)),
                       "\(text), line 2: column 'b': 'two' is not a number")
    }

    func testUnknownFormat() {
        let parquet = Fixtures.file("data.parquet", "PAR1")
        XCTAssertEqual(failure(DatasetSpec(path: parquet)),
                       "cannot tell the format of \(parquet) from its name; pass --format (one of text-csv, numeric-csv, idx, npy)")
    }
}
