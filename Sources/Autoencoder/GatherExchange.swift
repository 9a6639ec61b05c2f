import Collectives
import LinearAlgebra

/// The gather path: every rank allgathers the gathered layers' inputs and errors of every rank's rows
/// (one exchange block per rank, `ExchangeWriter`), then forms each layer's full-batch weight gradient
/// block by block and applies Adam to each block while it is in cache. On the shared path
/// (`plan.sharedUpdate`) the parameters are one copy per machine and each rank forms and applies only
/// its `share` of the blocks, of the sparse first layer's rows and of the biases.
final class GatherExchange: GradientExchange {
    private let context: StepContext
    private let gathered: [Int]
    /// For each layer, the index of its first row block among all layers' blocks (blocks are shared
    /// out by this global index, so layers of few blocks still spread over the ranks).
    private let firstBlock: [Int]
    /// One gradient block per thread (fused weight-gradient + Adam).
    private let scratch: [FloatBuffer]
    private static let blockFloats = 1 << 17
    /// The exchange buffers, kept from step to step (this rank's block; every rank's blocks).
    private var send: [Float] = [], all: [Float] = []

    init(_ context: StepContext) {
        self.context = context
        let architecture = context.architecture
        gathered = context.layers(.gather)
        var first: [Int] = []
        var next = 0
        for l in 0..<architecture.layerCount {
            first.append(next)
            next += Self.blocking(inW: architecture.widths[l], outW: architecture.widths[l + 1]).count
        }
        firstBlock = first
        let widest = architecture.widths.max()!
        scratch = (0..<max(context.threads, 1)).map { _ in FloatBuffer(count: max(Self.blockFloats, widest)) }
    }

    func backwardReady(layer l: Int, rows: Int, sparse: CSRMatrix?) {}

    func complete(rows: Int, sparse: CSRMatrix?, computed: [(rows: Int, nonZeros: Int)]?, clock: inout PhaseClock,
                  timings: inout StepTimings) {
        let widths = context.architecture.widths, work = context.work, communicator = context.communicator
        // This rank's block: rows and non-zeros, then per gathered layer its inputs (the CSR rows for
        // a sparse first layer) and its errors.
        var block = ExchangeWriter(reusing: send)
        send = []
        block.integers([rows, sparse?.nonZeroCount ?? 0])
        for l in gathered {
            if l == 0, let sparse {
                block.rows(sparse)
            } else {
                block.values(UnsafeBufferPointer(start: work.layerInput(l), count: rows * widths[l]))
            }
            block.values(UnsafeBufferPointer(start: work.deltas[l].pointer, count: rows * widths[l + 1]))
        }
        send = block.floats
        precondition(send.count == blockCount(rows: rows, nonZeros: sparse?.nonZeroCount ?? 0), "exchange block size")
        timings.forwardBackward += clock.lap()
        var received = all
        all = []
        defer { all = received }
        if communicator.size == 1 {
            swap(&received, &send)
        } else {
            let counts = computed?.map { blockCount(rows: $0.rows, nonZeros: $0.nonZeros) } ?? communicator.allgatherCounts(send.count)
            let total = counts.reduce(0, +)
            if received.count < total { received = [Float](repeating: 0, count: total) }
            // Shared: every rank enters the allgather after its backward pass has read the weights, and
            // leaves it after every rank has entered; so no slice changes while anyone still reads it.
            if context.plan.sharedUpdate { context.store.fence() }
            send.withUnsafeBufferPointer { s in received.withUnsafeMutableBufferPointer { communicator.allgatherv(s, into: $0, counts: counts) } }
            if context.plan.sharedUpdate { context.store.fence() }
        }
        timings.communication += clock.lap()
        received.withUnsafeBufferPointer { buffer in
            let blocks = RankBlocks(buffer.baseAddress!, ranks: communicator.size, gathered: gathered,
                                    widths: widths, sparseFirst: sparse != nil)
            for (position, l) in gathered.enumerated() {
                if l == 0 && sparse != nil {
                    updateSparseFirstLayer(blocks: blocks)
                } else {
                    updateDenseLayer(l, parts: blocks.parts(position))
                }
                guard context.share.owns(l) else { continue }
                let bOffset = context.architecture.biasOffset(l)
                let bias = scratch[0].pointer
                bias.update(repeating: 0, count: widths[l + 1])
                for part in blocks.parts(position) {
                    columnSums(part.delta, rows: part.rows, width: widths[l + 1], into: bias, accumulate: true)
                }
                context.adam.update(context.parameters, range: bOffset..<bOffset + widths[l + 1], gradient: bias, threads: context.threads)
            }
        }
        timings.update += clock.lap()
    }

    /// The floats of a rank's exchange block for a batch of `rows` rows with `nonZeros` non-zeros.
    private func blockCount(rows: Int, nonZeros: Int) -> Int {
        let widths = context.architecture.widths
        var count = 2
        for l in gathered {
            count += l == 0 && context.sparseInput ? rows + 2 * nonZeros : rows * widths[l]
            count += rows * widths[l + 1]
        }
        return count
    }

    /// Weight gradient `Σ_r A_rᵀ δ_r` of a dense layer, a block of rows at a time, each block updated by
    /// Adam right after it is formed, while it is in cache. With several threads each takes whole
    /// blocks (single-threaded sgemm and Adam), so no block is handed between thread pools.
    private func updateDenseLayer(_ l: Int, parts: [RankBlocks.Part]) {
        let widths = context.architecture.widths
        let (inW, outW) = (widths[l], widths[l + 1])
        let (blockRows, blockCount) = Self.blocking(inW: inW, outW: outW)
        let owned = (0..<blockCount).filter { context.share.owns(firstBlock[l] + $0) }
        let wOffset = context.architecture.weightOffset(l)
        let workers = min(context.threads, owned.count)
        let (adam, p, scratch) = (context.adam, context.parameters, scratch)
        let formAndApply = { (b: Int, block: UnsafeMutablePointer<Float>) in
            let i0 = b * blockRows, n = min(blockRows, inW - i0)
            var first = true
            for part in parts where part.rows > 0 {
                BLAS.sgemm(.transposed, .none, m: n, n: outW, k: part.rows, a: part.input + i0, lda: inW,
                           b: part.delta, ldb: outW, beta: first ? 0 : 1, c: block, ldc: outW)
                first = false
            }
            if first { block.update(repeating: 0, count: n * outW) }
            let start = wOffset + i0 * outW
            adam.update(p, range: start..<start + n * outW, gradient: block, threads: 1)
        }
        if workers <= 1 {
            for b in owned { formAndApply(b, scratch[0].pointer) }
            return
        }
        ComputeThreads.perform(iterations: workers) { w in
            for k in stride(from: w, to: owned.count, by: workers) { formAndApply(owned[k], scratch[w].pointer) }
        }
    }

    /// A dense layer's weight gradient is formed (and updated) `rows` input rows at a time, in `count` blocks.
    static func blocking(inW: Int, outW: Int) -> (rows: Int, count: Int) {
        let rows = max(1, min(inW, blockFloats / outW))
        return (rows, (inW + rows - 1) / rows)
    }

    /// The sparse first layer: for each column any rank's rows touch (and this rank's share owns), its gradient row
    /// `Σ_i x_ic · δ_i` (rows in global order), then that row's (lazy) Adam update.
    private func updateSparseFirstLayer(blocks: RankBlocks) {
        let outW = context.architecture.widths[1]
        let share = context.share
        // (column, global row, value) of every non-zero, grouped by column in global row order.
        var entries: [(column: Int32, delta: UnsafePointer<Float>, value: Float)] = []
        for part in blocks.parts(0) {
            var k = 0
            for i in 0..<part.rows {
                let length = ExchangeReader.integer(part.rowLengths!, at: i)
                for _ in 0..<length {
                    let column = Int32(ExchangeReader.integer(part.columns!, at: k))
                    if share.owns(Int(column)) { entries.append((column, part.delta + i * outW, part.values![k])) }
                    k += 1
                }
            }
        }
        let order = entries.indices.sorted { (entries[$0].column, $0) < (entries[$1].column, $1) }
        var groupStarts: [Int] = []
        for (k, e) in order.enumerated() where k == 0 || entries[order[k - 1]].column != entries[e].column {
            groupStarts.append(k)
        }
        groupStarts.append(order.count)
        let (adam, p, scratch, threads) = (context.adam, context.parameters, scratch, context.threads)
        let groups = groupStarts.count - 1
        entries.withUnsafeBufferPointer { e in
            order.withUnsafeBufferPointer { o in
                groupStarts.withUnsafeBufferPointer { starts in
                    let workers = max(1, min(threads, groups / 64))
                    ComputeThreads.perform(iterations: workers) { w in
                        let row = scratch[w].pointer
                        for group in stride(from: w, to: groups, by: workers) {
                            row.update(repeating: 0, count: outW)
                            for k in starts[group]..<starts[group + 1] {
                                let entry = e[o[k]]
                                axpy(entry.value, entry.delta, row, outW)
                            }
                            adam.update(p, row: Int(e[o[starts[group]]].column), gradient: row)
                        }
                    }
                }
            }
        }
    }
}

/// Reads the gathered per-rank blocks that `GatherExchange` writes.
struct RankBlocks {
    struct Part {
        var rows: Int
        var input: UnsafePointer<Float>
        var delta: UnsafePointer<Float>
        /// A sparse first layer's sections (integer sections: `ExchangeReader.integer(_:at:)`).
        var rowLengths: UnsafePointer<Float>?
        var columns: UnsafePointer<Float>?
        var values: UnsafePointer<Float>?
    }
    /// `partsByLayer[position][rank]`.
    private var partsByLayer: [[Part]]

    init(_ base: UnsafePointer<Float>, ranks: Int, gathered: [Int], widths: [Int], sparseFirst: Bool) {
        partsByLayer = Array(repeating: [], count: gathered.count)
        var reader = ExchangeReader(base)
        for _ in 0..<ranks {
            let rows = reader.integer(), nnz = reader.integer()
            for (position, l) in gathered.enumerated() {
                var part = Part(rows: rows, input: reader.cursor, delta: reader.cursor)
                if l == 0 && sparseFirst {
                    part.rowLengths = reader.section(rows)
                    part.columns = reader.section(nnz)
                    part.values = reader.section(nnz)
                } else {
                    part.input = reader.section(rows * widths[l])
                }
                part.delta = reader.section(rows * widths[l + 1])
                partsByLayer[position].append(part)
            }
        }
    }

    func parts(_ position: Int) -> [Part] { partsByLayer[position] }
}
