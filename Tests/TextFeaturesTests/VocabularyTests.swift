import Collectives
import TestSupport
import TextFeatures
import XCTest

final class VocabularyTests: XCTestCase {
    func testTopTermsByCountTiesByTermOrderColumnsAlphabetical() {
        let vectorizer = ReviewVectorizer(maxFeatures: 3)
        let docs = ["zeta beta beta", "alpha zeta gamma", "the delta gamma"].map { Array($0.utf8) }
        let (bag, empty) = vectorizer.count(docs)
        XCTAssertEqual(empty, 0)
        let (vocabulary, rows) = vectorizer.fitTransform(bag, world: LocalCommunicator())
        // Counts: beta 2, zeta 2, gamma 2, alpha 1, delta 1; "the" is a stop word.
        XCTAssertEqual(vocabulary.terms, ["beta", "gamma", "zeta"])
        XCTAssertEqual(vocabulary.corpusCounts, [2, 2, 2])
        XCTAssertEqual(rows.rowPointers, [0, 2, 4, 5])
        XCTAssertEqual(rows.columnIndices, [0, 2, 1, 2, 1])
        XCTAssertEqual(rows.values, [2, 1, 1, 1, 1])
        XCTAssertEqual(vocabulary.tsv, "column\tterm\tcorpus_count\n0\tbeta\t2\n1\tgamma\t2\n2\tzeta\t2\n")
    }

    func testTermTableFindsInsertedTermsAcrossGrowth() {
        var table = TermTable(capacity: 2)
        for i in 0..<1000 { Array("t\(i)".utf8).withUnsafeBufferPointer { _ = table.insert($0) } }
        XCTAssertEqual(table.count, 1000)
        for i in stride(from: 0, to: 1000, by: 37) {
            XCTAssertEqual(Array("t\(i)".utf8).withUnsafeBufferPointer { table.find($0) }, i)
        }
        XCTAssertNil(Array("t1000".utf8).withUnsafeBufferPointer { table.find($0) })
    }
}
