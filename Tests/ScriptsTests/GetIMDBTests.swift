import Foundation
import TestSupport
import XCTest

/// Scripts/get-imdb.sh converts the Large Movie Review Dataset archive to the two-column CSV.
/// The archive here is built by the test (no network): reviews with commas, quotes, newlines,
/// carriage returns, <br /> tags and UTF-8, in the folder layout of aclImdb_v1.tar.gz.
final class GetIMDBTests: XCTestCase {
    private let script = TestPaths.packageRoot.appendingPathComponent("Scripts/get-imdb.sh").path

    /// (split, folder, file, text) in the expected row order: train before test, by id, pos before neg.
    private let reviews: [(String, String, String, String)] = [
        ("train", "pos", "0_9.txt", "A \"great\" film, truly.<br /><br />Loved it."),
        ("train", "neg", "0_2.txt", "Bad.\nReally bad, \"awful\"."),
        ("train", "pos", "1_8.txt", "Plain review without specials"),
        ("train", "neg", "1_1.txt", "Ça coûte 10€ — naïve, 日本語 \"quote\""),
        ("train", "pos", "2_10.txt", "\"\""),
        ("train", "neg", "2_3.txt", "Two\n\nblank-separated paragraphs"),
        ("train", "pos", "10_7.txt", "Id ten sorts after id two"),
        ("train", "neg", "10_4.txt", "Trailing spaces stay   "),
        ("test", "pos", "0_10.txt", "Comma, only"),
        ("test", "neg", "0_1.txt", "Windows\r\nline end"),
        ("test", "pos", "1_7.txt", "Ends with a newline\n"),
    ]

    private var directory: URL!

    override func setUpWithError() throws {
        directory = TestPaths.temporaryDirectory("get-imdb")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Builds aclImdb_v1.tar.gz from `reviews` (plus an unlabelled review the CSV must not hold).
    private func makeArchive() throws -> String {
        let root = directory.appendingPathComponent("src")
        for (split, folder, file, text) in reviews + [("train", "unsup", "0_0.txt", "unlabelled")] {
            let folderURL = root.appendingPathComponent("aclImdb/\(split)/\(folder)")
            try FileManager.default.createDirectory(at: folderURL, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: folderURL.appendingPathComponent(file))
        }
        let archive = directory.appendingPathComponent("aclImdb_v1.tar.gz").path
        let tar = try ProcessRunner.run("/bin/tar", ["-czf", archive, "-C", root.path, "aclImdb"])
        XCTAssertEqual(tar.status, 0, tar.stderr)
        return archive
    }

    private func runScript(_ arguments: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try ProcessRunner.run("/bin/bash", [script] + arguments, timeout: 60, environment: environment)
    }

    /// Splits RFC 4180 CSV bytes into records of fields.
    private func parseCSV(_ bytes: [UInt8]) throws -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field: [UInt8] = []
        var i = 0, quoted = false
        func endField() { fields.append(String(decoding: field, as: UTF8.self)); field = [] }
        while i < bytes.count {
            let b = bytes[i]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(b); i += 1 } else { quoted = false }
                } else {
                    field.append(b)
                }
            } else if b == UInt8(ascii: "\"") {
                XCTAssertTrue(field.isEmpty, "a quote may only open a field (byte \(i))")
                quoted = true
            } else if b == UInt8(ascii: ",") {
                endField()
            } else if b == UInt8(ascii: "\n") {
                endField()
                records.append(fields)
                fields = []
            } else {
                XCTAssertNotEqual(b, UInt8(ascii: "\r"), "a CR outside quotes (byte \(i))")
                field.append(b)
            }
            i += 1
        }
        XCTAssertFalse(quoted, "the file ends inside a quoted field")
        XCTAssertTrue(fields.isEmpty && field.isEmpty, "the last record must end with a newline")
        return records
    }

    func testArchiveBecomesTheTwoColumnCSVInTheDocumentedOrder() throws {
        let archive = try makeArchive()
        let dest = directory.appendingPathComponent("data").path
        let result = try runScript(["--archive", archive, dest])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("(11 reviews)"), result.stdout)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: dest + "/IMDB Dataset.csv")))
        let records = try parseCSV(bytes)
        XCTAssertEqual(records.first, ["review", "sentiment"])
        let expected = reviews.map { _, folder, _, text -> [String] in
            [text.hasSuffix("\n") ? String(text.dropLast()) : text, folder == "pos" ? "positive" : "negative"]
        }
        XCTAssertEqual(Array(records.dropFirst()), expected)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("\nPlain review without specials,positive\n"), "plain fields stay unquoted")
        XCTAssertTrue(text.contains("\n\"A \"\"great\"\" film, truly.<br /><br />Loved it.\",positive\n"), "quotes doubled")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dest)
        XCTAssertEqual(leftovers, ["IMDB Dataset.csv"], "the work directory is removed")
    }

    func testAnExistingCSVIsKeptUnlessForced() throws {
        let archive = try makeArchive()
        let dest = directory.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dest, withIntermediateDirectories: true)
        let csv = dest.appendingPathComponent("IMDB Dataset.csv")
        try Data("old".utf8).write(to: csv)
        let kept = try runScript(["--archive", archive, dest.path])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertTrue(kept.stdout.contains("already exists"), kept.stdout)
        XCTAssertEqual(try String(contentsOf: csv, encoding: .utf8), "old")
        let forced = try runScript(["--force", "--archive", archive, dest.path])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(try String(contentsOf: csv, encoding: .utf8).hasPrefix("review,sentiment\n"))
    }

    func testFailedDownloadSaysWhereToGetTheArchive() throws {
        let result = try runScript([directory.appendingPathComponent("data").path],
                                   environment: ["IMDB_URL": "http://127.0.0.1:9/aclImdb_v1.tar.gz"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("could not download http://127.0.0.1:9/aclImdb_v1.tar.gz"), result.stderr)
        XCTAssertTrue(result.stderr.contains("https://ai.stanford.edu/~amaas/data/sentiment/"), result.stderr)
        XCTAssertTrue(result.stderr.contains("--archive path/to/aclImdb_v1.tar.gz"), result.stderr)
    }

    func testWrongArchivesAreNamed() throws {
        let missing = directory.appendingPathComponent("nowhere.tar.gz").path
        let absent = try runScript(["--archive", missing, directory.path])
        XCTAssertEqual(absent.status, 1)
        XCTAssertTrue(absent.stderr.contains("cannot read the archive \(missing)"), absent.stderr)

        let other = directory.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other.appendingPathComponent("stuff"), withIntermediateDirectories: true)
        let archive = directory.appendingPathComponent("other.tar.gz").path
        XCTAssertEqual(try ProcessRunner.run("/bin/tar", ["-czf", archive, "-C", other.path, "stuff"]).status, 0)
        let wrong = try runScript(["--archive", archive, directory.appendingPathComponent("data").path])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(wrong.stderr.contains("is not the Large Movie Review Dataset archive"), wrong.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("data/IMDB Dataset.csv").path))
    }
}
