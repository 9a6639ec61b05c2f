import Collectives
import LinearAlgebra

/// The shared path's batch exchange before the forward pass, and batch pooling for machines that run
/// more ranks than they have cores.
///
/// With 8 ranks on 2 cores and a global batch of 32, each rank's forward and backward pass would read
/// every weight for just 4 rows: the weights are streamed 8 times per pass instead of twice, and the
/// 2 cores spend most of a step doing that. Instead, every rank's batch rows (small: a CSR batch of
/// 32 IMDB reviews is ≈ 18 KB) are allgathered, up to 64 steps' worth in one exchange
/// (`stepsPerExchange`, about 8 MB at most), and only the machine's first
/// `computeRanks` local ranks compute: local rank j takes the rows of the local ranks ≡ j (mod
/// `computeRanks`), in rank order. The others lend their rows and do nothing else in the step: the
/// step's other collectives run over the computing ranks only (`Communicator.subset`), and the
/// lenders own no part of the update (their `WorkShare` is empty). The global batch, its output error
/// scale and the gathered gradient are those of the unpooled step; only which rank computes which rows
/// changes (so sums may be ordered differently: agreement with np 1 is to rounding, as for any np).
///
/// The same allgather tells every rank which input columns any batch reads, for the lazy first-layer
/// rows, and how many rows and non-zeros each rank computes, which sizes the data allgather; so the
/// shared path runs it, lending or not (with no lender each rank computes its own rows).
struct BatchPool {
    let communicator: Communicator
    /// Computing ranks on this machine (all of its ranks when none lends).
    let computeRanks: Int
    /// Some machine lends rows (agreed by every rank), so the step's other collectives run over the
    /// computing ranks only.
    let lending: Bool

    /// What one pooled step looks like from this rank.
    struct Pooled {
        /// The rows this rank computes (none on a lending rank), in rank order of their owners.
        var batch: FeatureMatrix
        /// Every input column any rank's batch reads, ascending (sparse input).
        var columns: [Int]
        /// Rows and non-zeros of each computing rank, in rank order (the ranks of `Communicator.subset`).
        var computed: [(rows: Int, nonZeros: Int)]
    }

    private static let headerCount = 5

    /// At most this many steps' batches travel in one exchange (`stepsPerExchange`).
    static let maximumStepsPerExchange = 64
    /// About this many bytes of batch rows, over all ranks, travel in one exchange at most.
    static let bytesPerExchange = 8 << 20

    /// How many steps' batches to pool in one exchange, for steps of `globalRows` rows of `bytesPerRow`
    /// bytes (on average): as many as fit in `bytesPerExchange`, 1 to `maximumStepsPerExchange`.
    static func stepsPerExchange(globalRows: Int, bytesPerRow: Double) -> Int {
        let bytesPerStep = max(1, Double(globalRows) * bytesPerRow)
        return max(1, min(maximumStepsPerExchange, Int(Double(bytesPerExchange) / bytesPerStep)))
    }

    /// Allgathers every rank's batches of the next `batches.count` steps in one exchange (a collective;
    /// every rank passes the same number) and returns this rank's share of each step's pooled rows.
    /// The lenders then wait in the next exchange, spinning: letting them sleep instead made the
    /// computing ranks slower (docs/TRAINING.md, batch pooling).
    func pool(_ batches: [FeatureMatrix]) -> [Pooled] {
        let comm = communicator
        var send = ExchangeWriter()
        for batch in batches {
            var nonZeros = 0
            if case .sparse(let csr) = batch { nonZeros = csr.nonZeroCount }
            send.integers([batch.rows, nonZeros, comm.machine, comm.localRank, computeRanks])
            switch batch {
            case .sparse(let csr): send.rows(csr)
            case .dense(let m): send.values(m.storage)
            }
        }
        let all = comm.allgather(send.floats)
        // Each rank's blocks, one per step: header, then its rows.
        var blocks = [[Block]](repeating: [], count: batches.count)
        var cursor = 0
        for _ in 0..<comm.size {
            for (k, batch) in batches.enumerated() {
                let h = (0..<Self.headerCount).map { ExchangeReader.integer(all[cursor + $0]) }
                blocks[k].append(Block(start: cursor + Self.headerCount, rows: h[0], nonZeros: h[1], machine: h[2],
                                       localRank: h[3], computeRanks: h[4]))
                cursor += Self.headerCount + (batch.isSparse ? h[0] + 2 * h[1] : h[0] * batch.cols)
            }
        }
        return batches.indices.map { share(of: blocks[$0], in: all, like: batches[$0]) }
    }

    /// One rank's rows of one step in the exchanged values.
    private struct Block {
        var start: Int, rows: Int, nonZeros: Int, machine: Int, localRank: Int, computeRanks: Int
    }

    /// This rank's pooled rows of one step, from every rank's block of it (`batch`: this rank's own rows).
    private func share(of blocks: [Block], in all: [Float], like batch: FeatureMatrix) -> Pooled {
        let comm = communicator
        // The world rank that computes each rank's rows: the local rank ≡ its local rank (mod computeRanks) of its machine.
        var worldRank: [Int: Int] = [:]
        for (r, b) in blocks.enumerated() { worldRank[b.machine * comm.size + b.localRank] = r }
        let computer = blocks.map { b in worldRank[b.machine * comm.size + b.localRank % b.computeRanks]! }
        var computedBy = [(rows: Int, nonZeros: Int)](repeating: (0, 0), count: comm.size)
        for (r, b) in blocks.enumerated() {
            computedBy[computer[r]].rows += b.rows
            computedBy[computer[r]].nonZeros += b.nonZeros
        }
        let computed = blocks.indices.filter { blocks[$0].localRank < blocks[$0].computeRanks }.map { computedBy[$0] }
        switch batch {
        case .sparse:
            var rowPointers = [0], columnIndices: [Int32] = [], values: [Float] = []
            var seen = [Bool](repeating: false, count: batch.cols)
            for (r, b) in blocks.enumerated() {
                let columns = b.start + b.rows
                for k in 0..<b.nonZeros { seen[ExchangeReader.integer(all[columns + k])] = true }
                guard computer[r] == comm.rank else { continue }
                for i in 0..<b.rows { rowPointers.append(rowPointers.last! + ExchangeReader.integer(all[b.start + i])) }
                columnIndices += (0..<b.nonZeros).map { Int32(ExchangeReader.integer(all[columns + $0])) }
                values += all[(columns + b.nonZeros)..<(columns + 2 * b.nonZeros)]
            }
            let csr = CSRMatrix(rows: rowPointers.count - 1, cols: batch.cols, rowPointers: rowPointers,
                                columnIndices: columnIndices, values: values)
            return Pooled(batch: .sparse(csr), columns: seen.indices.filter { seen[$0] }, computed: computed)
        case .dense:
            let mine = blocks.indices.filter { computer[$0] == comm.rank }
            var storage: [Float] = []
            for r in mine { storage += all[blocks[r].start..<(blocks[r].start + blocks[r].rows * batch.cols)] }
            let rows = mine.reduce(0) { $0 + blocks[$1].rows }
            return Pooled(batch: .dense(Matrix(rows: rows, cols: batch.cols, storage: storage)), columns: [], computed: computed)
        }
    }
}
