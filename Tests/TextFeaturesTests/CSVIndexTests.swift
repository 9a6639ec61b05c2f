import TestSupport
import TextFeatures
import XCTest

final class CSVIndexTests: XCTestCase {
    private func write(_ bytes: [UInt8], name: String = "t.csv") -> String {
        let path = TestPaths.temporaryDirectory("csv").appendingPathComponent(name).path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    private func write(_ text: String) -> String { write(Array(text.utf8)) }

    private func allFields(_ index: CSVIndex) throws -> [[String]] {
        var rows: [[String]] = []
        try index.readRecords(Array(index.records.indices)) { _, _, fields in
            rows.append(fields.map { String(decoding: $0, as: UTF8.self) })
        }
        return rows
    }

    func testQuotedFieldsDoubledQuotesEmbeddedNewlinesCRLFAndBOM() throws {
        let text = "\u{FEFF}review,sentiment\r\n\"a, \"\"quoted\"\"\r\nline\",positive\r\nplain,negative\r\n\r\n\"\",x\n"
        // A tiny chunk size makes records straddle chunk boundaries.
        let index = try CSVIndex(path: write(text), chunkSize: 3)
        XCTAssertEqual(index.columns, ["review", "sentiment"])
        XCTAssertEqual(try allFields(index), [["a, \"quoted\"\r\nline", "positive"], ["plain", "negative"], ["", "x"]])
        XCTAssertEqual(index.records.map(\.line), [2, 4, 6])
    }

    func testMaxRecordsStopsEarlyAndLastLineNeedsNoNewline() throws {
        let path = write("a,b\n1,2\n3,4\n5,6")
        XCTAssertEqual(try CSVIndex(path: path).records.count, 3)
        XCTAssertEqual(try allFields(try CSVIndex(path: path, maxRecords: 2)), [["1", "2"], ["3", "4"]])
    }

    func testUnterminatedQuoteNamesTheLineItOpensOn() {
        let path = write("review,sentiment\nfine,positive\n\"never closed,\nmore\nlines,negative\n")
        XCTAssertThrowsError(try CSVIndex(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path), line 3: unterminated quoted field (the quote opens on this line and never closes)")
        }
    }

    func testFieldCountMismatchNamesTheLine() {
        let path = write("a,b\n1,2\n1,2,3\n")
        XCTAssertThrowsError(try CSVIndex(path: path)) { error in
            XCTAssertEqual("\(error)", "\(path), line 3: expected 2 fields as in the header, found 3")
        }
    }

    func testMissingEmptyAndUnreadableFiles() {
        XCTAssertThrowsError(try CSVIndex(path: "/nonexistent/x.csv")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/x.csv: cannot open the file (No such file or directory)")
        }
        let empty = write([UInt8](), name: "empty.csv")
        XCTAssertThrowsError(try CSVIndex(path: empty)) { error in
            XCTAssertEqual("\(error)", "\(empty): the file is empty (expected a header line naming the columns)")
        }
        let directory = TestPaths.temporaryDirectory("csvdir").path
        XCTAssertThrowsError(try CSVIndex(path: directory)) { error in
            XCTAssertTrue("\(error)".hasPrefix("\(directory): read failed"), "\(error)")
        }
    }

    func testMissingColumnListsTheColumnsFound() throws {
        let path = write("text,label\nx,y\n")
        let index = try CSVIndex(path: path)
        XCTAssertThrowsError(try index.column(named: "review")) { error in
            XCTAssertEqual("\(error)", "\(path), line 1: no column named 'review' in the header; the columns are 'text', 'label'")
        }
    }
}
