/// The columns of a count matrix: terms in alphabetical (code point) order with their corpus counts,
/// as scikit-learn's `CountVectorizer` orders `get_feature_names_out()`.
public struct Vocabulary: Equatable, Sendable {
    /// The terms, column by column.
    public let terms: [String]
    /// Per column: the term's total count over the fitting documents.
    public let corpusCounts: [Int64]
    private let lookup: TermTable

    /// A vocabulary of terms in column order with their counts.
    public init(terms: [String], corpusCounts: [Int64]) {
        precondition(terms.count == corpusCounts.count, "one count per term")
        self.terms = terms
        self.corpusCounts = corpusCounts
        var table = TermTable(capacity: terms.count)
        for term in terms { Array(term.utf8).withUnsafeBufferPointer { _ = table.insert($0) } }
        lookup = table
    }

    public var count: Int { terms.count }

    /// The column of a term (UTF-8 bytes), or nil when it is not in the vocabulary.
    public func column(of term: UnsafeBufferPointer<UInt8>) -> Int? { lookup.find(term) }

    /// Keeps the `maxFeatures` terms of highest count, ties broken by term order (scikit-learn sorts
    /// ties with an unstable sort, so at the cut-off it may pick other tied terms), then orders the
    /// kept terms alphabetically. `counts[i]` belongs to `candidates.term(i)`.
    public static func top(_ maxFeatures: Int, of candidates: TermTable, counts: [Int64]) -> Vocabulary {
        let ids = (0..<candidates.count).filter { counts[$0] > 0 }
        let ranked = ids.sorted { a, b in
            counts[a] != counts[b] ? counts[a] > counts[b] : candidates.term(a).lexicographicallyPrecedes(candidates.term(b))
        }
        let kept = ranked.prefix(maxFeatures).sorted { candidates.term($0).lexicographicallyPrecedes(candidates.term($1)) }
        return Vocabulary(terms: kept.map { candidates.string($0) }, corpusCounts: kept.map { counts[$0] })
    }

    public static func == (a: Vocabulary, b: Vocabulary) -> Bool {
        a.terms == b.terms && a.corpusCounts == b.corpusCounts
    }

    /// The tab-separated table `column  term  corpus_count` with a header line.
    public var tsv: String {
        var text = "column\tterm\tcorpus_count\n"
        for (column, term) in terms.enumerated() { text += "\(column)\t\(term)\t\(corpusCounts[column])\n" }
        return text
    }
}
