import LinearAlgebra

/// The term counts of one rank's documents over a local term table: each document becomes a sparse
/// row of (local term id, count), stop words left out. `matrix(over:)` turns the rows into a CSR
/// matrix over a (global) vocabulary. Memory is proportional to this rank's documents.
public struct BagOfWords {
    /// The distinct terms seen here (stop words included, flagged), in first-seen order.
    public private(set) var terms = TermTable()
    /// Per local term: its count over these documents (0 for stop words).
    public private(set) var corpusCounts: [Int64] = []
    /// Documents added so far.
    public var documentCount: Int { rowPointers.count - 1 }

    private var isStopWord: [Bool] = []
    private var rowPointers: [Int] = [0]
    private var termIDs: [Int32] = []
    private var termCounts: [Int32] = []
    /// Per local term: its count in the document being added, or `stopMark` for stop words.
    private var scratch: [Int32] = []
    private static let stopMark = Int32.min
    private var touched: [Int32] = []
    private let tokenizer = Tokenizer()
    private let stopWords: StopWords

    public init(stopWords: StopWords = .english) {
        self.stopWords = stopWords
    }

    /// Tokenizes one document (valid UTF-8) and appends its row.
    public mutating func add(_ document: [UInt8]) {
        document.withUnsafeBufferPointer { text in
            tokenizer.forEachToken(in: text) { token in
                let (id, inserted) = terms.insert(token)
                if inserted {
                    let stop = stopWords.contains(token)
                    isStopWord.append(stop)
                    corpusCounts.append(0)
                    scratch.append(stop ? Self.stopMark : 0)
                }
                let seen = scratch[id]
                if seen == Self.stopMark { return }
                if seen == 0 { touched.append(Int32(id)) }
                scratch[id] = seen + 1
            }
        }
        for id in touched {
            let count = scratch[Int(id)]
            termIDs.append(id)
            termCounts.append(count)
            corpusCounts[Int(id)] += Int64(count)
            scratch[Int(id)] = 0
        }
        touched.removeAll(keepingCapacity: true)
        rowPointers.append(termIDs.count)
    }

    /// The rows as a CSR matrix whose columns are `vocabulary`'s (terms outside it are dropped),
    /// column indices ascending, Float counts.
    public func matrix(over vocabulary: Vocabulary) -> CSRMatrix {
        var column = [Int32](repeating: -1, count: terms.count)
        for id in 0..<terms.count where !isStopWord[id] {
            column[id] = terms.term(id).withUnsafeBufferPointer { vocabulary.column(of: $0) }.map(Int32.init) ?? -1
        }
        var pointers = [Int](repeating: 0, count: documentCount + 1)
        var indices: [Int32] = []
        var values: [Float] = []
        indices.reserveCapacity(termIDs.count)
        values.reserveCapacity(termIDs.count)
        var row: [(Int32, Int32)] = []
        for r in 0..<documentCount {
            row.removeAll(keepingCapacity: true)
            for k in rowPointers[r]..<rowPointers[r + 1] {
                let c = column[Int(termIDs[k])]
                if c >= 0 { row.append((c, termCounts[k])) }
            }
            row.sort { $0.0 < $1.0 }
            for (c, count) in row {
                indices.append(c)
                values.append(Float(count))
            }
            pointers[r + 1] = indices.count
        }
        return CSRMatrix(rows: documentCount, cols: vocabulary.count, rowPointers: pointers,
                         columnIndices: indices, values: values)
    }
}
