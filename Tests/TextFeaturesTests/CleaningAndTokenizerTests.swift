import Foundation
import TestSupport
import TextFeatures
import XCTest

final class CleaningAndTokenizerTests: XCTestCase {
    func testCleaningMatchesTheReferenceOnTheFirst100Reviews() throws {
        let text = try String(contentsOf: TestPaths.golden("imdb_clean_first100.jsonl"), encoding: .utf8)
        let cleaner = ReviewCleaner()
        var checked = 0
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String]
            let cleaned = cleaner.clean(Array(object["review"]!.utf8))
            XCTAssertEqual(String(decoding: cleaned, as: UTF8.self), object["cleaned"]!, "review \(checked)")
            checked += 1
        }
        XCTAssertEqual(checked, 100)
    }

    func testTagsSpanningALineFeedStayAsPythonsDotDoesNotMatchIt() {
        let out = ReviewCleaner.removeTags(Array("a<b\nc>d<br />e<x".utf8))
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "a<b\nc>de<x")
    }

    func testCleaningSplitsOnUnicodeWhitespaceAndDropsStopWordsCaseSensitively() {
        let out = ReviewCleaner().clean(Array("The\u{00A0}film\u{2003}was\u{1F}The  end\u{3000}it".utf8))
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "The film The end")
    }

    func testStopWordsResourceIsScikitLearnsList() throws {
        let golden = try String(contentsOf: TestPaths.golden("sklearn_english_stop_words.txt"), encoding: .utf8)
        XCTAssertEqual(StopWords.english.words, golden.split(separator: "\n").map(String.init))
    }

    private func tokens(_ text: String) -> [String] {
        let tokenizer = Tokenizer()
        var out: [String] = []
        Array(text.utf8).withUnsafeBufferPointer { b in
            tokenizer.forEachToken(in: b) { out.append(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    func testTokensAreLowercasedRunsOfTwoOrMorePythonWordCharacters() {
        XCTAssertEqual(tokens("Don't STOP-me a_b x 42 I"), ["don", "stop", "me", "a_b", "42"])
        // Letters and numbers of every script are word characters; combining marks are not.
        XCTAssertEqual(tokens("Café NAÏVE ½½ x²"), ["café", "naïve", "½½", "x²"])
        XCTAssertEqual(tokens("cafe\u{0301}s ab\u{203F}cd"), ["cafe", "ab", "cd"])
        // Full lowercase mapping: U+0130 becomes "i" + U+0307 (a mark), which splits the word.
        XCTAssertEqual(tokens("İSTANBUL"), ["stanbul"])
        // Final sigma as Python's str.lower().
        XCTAssertEqual(tokens("ΟΔΟΣ ΣΑ"), ["οδος", "σα"])
        XCTAssertEqual(tokens("日本語 한국"), ["日本語", "한국"])
    }

    func testUTF8RepairReplacesAndCountsInvalidSequences() {
        let (bytes, replacements) = UTF8Repair.repair([0x61, 0xFF, 0x62, 0xE2, 0x82, 0x63])
        XCTAssertEqual(replacements, 2)
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "a\u{FFFD}b\u{FFFD}c")
        XCTAssertEqual(UTF8Repair.repair(Array("héllo".utf8)).replacements, 0)
    }
}

final class CleaningShortcutTests: XCTestCase {
    /// The vectorizer tokenizes tag-stripped text instead of fully cleaned text; both must give the
    /// same tokens once stop words are dropped, and the same "empty after cleaning" verdict.
    func testTokensAfterTagRemovalEqualTokensAfterFullCleaning() throws {
        let text = try String(contentsOf: TestPaths.golden("imdb_clean_first100.jsonl"), encoding: .utf8)
        let cleaner = ReviewCleaner()
        func tokens(_ bytes: [UInt8]) -> [String] {
            let tokenizer = Tokenizer()
            var out: [String] = []
            bytes.withUnsafeBufferPointer { b in
                tokenizer.forEachToken(in: b) { token in
                    if !StopWords.english.contains(token) { out.append(String(decoding: token, as: UTF8.self)) }
                }
            }
            return out
        }
        var reviews = try text.split(separator: "\n").map { line in
            Array((try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: String])["review"]!.utf8)
        }
        reviews.append(Array("The a <b>an</b> it\u{00A0}is".utf8))
        for review in reviews {
            let stripped = ReviewCleaner.removeTags(review)
            XCTAssertEqual(tokens(stripped), tokens(cleaner.clean(review)))
            XCTAssertEqual(cleaner.cleansToEmpty(stripped), cleaner.clean(review).isEmpty)
        }
        XCTAssertTrue(cleaner.cleansToEmpty(ReviewCleaner.removeTags(Array("a <br />the it".utf8))))
    }
}
