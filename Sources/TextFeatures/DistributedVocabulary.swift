import Collectives

extension Vocabulary {
    /// Fits the vocabulary of the documents spread over the ranks of `world` (a collective): every
    /// rank sends its local terms and counts to rank 0, which sums them, keeps the top `maxFeatures`
    /// (see `top(_:of:counts:)`) and broadcasts the result. Counts are integers, so the vocabulary
    /// is the same for any number of ranks. Rank 0 holds the union of terms, not the documents.
    public static func fit(_ local: BagOfWords, maxFeatures: Int, world: Communicator) -> Vocabulary {
        var bytes: [UInt8] = []
        var lengths: [Int64] = []
        var counts: [Int64] = []
        for id in 0..<local.terms.count where local.corpusCounts[id] > 0 {
            let term = local.terms.term(id)
            bytes.append(contentsOf: term)
            lengths.append(Int64(term.count))
            counts.append(local.corpusCounts[id])
        }
        let allBytes = world.gather(bytes, root: 0)
        let allLengths = world.gather(lengths, root: 0)
        let allCounts = world.gather(counts, root: 0)
        var joined: [UInt8] = []
        var selectedCounts: [Int64] = []
        if let allBytes, let allLengths, let allCounts {
            var merged = TermTable(capacity: allLengths.count)
            var sums: [Int64] = []
            var offset = 0
            allBytes.withUnsafeBufferPointer { b in
                for (k, length) in allLengths.enumerated() {
                    let (id, inserted) = merged.insert(UnsafeBufferPointer(rebasing: b[offset..<offset + Int(length)]))
                    if inserted { sums.append(0) }
                    sums[id] += allCounts[k]
                    offset += Int(length)
                }
            }
            let vocabulary = top(maxFeatures, of: merged, counts: sums)
            joined = Array(vocabulary.terms.joined(separator: "\0").utf8)
            selectedCounts = vocabulary.corpusCounts
        }
        world.broadcast(&joined, root: 0)
        world.broadcast(&selectedCounts, root: 0)
        let terms = selectedCounts.isEmpty ? [] : joined.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        return Vocabulary(terms: terms, corpusCounts: selectedCounts)
    }
}
