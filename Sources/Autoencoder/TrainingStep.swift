import Collectives
import Dispatch
import LinearAlgebra

/// One data-parallel optimisation step: forward and backward on this rank's share of the global batch,
/// the exact full-batch gradient formed by each layer's `LayerExchange`, then Adam.
///
/// Every rank ends the step with the same parameters: gathered layers are computed from the same
/// gathered rows in the same order on every rank; allreduced layers from the same reduced sums.
/// On the shared path (`plan.sharedUpdate`) the parameters are one copy per machine: each rank forms
/// the gradient and runs Adam for its `share` of every layer's row blocks, of the sparse first
/// layer's rows and of the biases, between two machine-wide `store.synchronize()` points.
final class TrainingStep {
    let architecture: Architecture
    let communicator: Communicator
    let plan: CommunicationPlan
    let threads: Int
    /// The batches are CSR rows (the first layer is the sparse kind, its rows lazy).
    let sparseInput: Bool
    let store: ParameterStore
    /// The shared path's batch exchange before the forward pass (nil on the other paths). When some
    /// machine lends rows (`pool.lending`), `communicator` is the computing ranks' (`Communicator.subset`).
    let pool: BatchPool?
    /// This rank only lends its rows.
    let lends: Bool
    let parameters: FloatBuffer
    let adam: AdamOptimizer
    /// This rank's part of the update (`.whole` unless the update is shared).
    let share: WorkShare
    /// For each layer, the index of its first row block among all layers' blocks (blocks are shared
    /// out by this global index, so layers of few blocks still spread over the ranks).
    private let firstBlock: [Int]
    let work: Workspace
    /// Partial gradients of the allreduced layers (flat, parameter layout); zero outside a step for
    /// the sparse first layer's rows.
    private let gradient: FloatBuffer?
    /// For a sparse, allreduced first layer: which input columns any rank touched this step.
    private let touched: FloatBuffer?
    /// One gradient block per thread (fused weight-gradient + Adam).
    private let scratch: [FloatBuffer]
    private static let blockFloats = 1 << 17
    /// The gather path's exchange buffers, kept from step to step (rank blocks; every rank's blocks).
    private var exchangeSend: [Float] = [], exchangeReceive: [Float] = []
    /// Marks the columns already listed this step (`columnMark[c] == stamp`).
    private var columnMark: [Int32]
    private var stamp: Int32 = 0
    /// Wall time spent in each phase so far.
    var timings = StepTimings()

    init(architecture: Architecture, communicator: Communicator, plan: CommunicationPlan, sparseInput: Bool,
         batchCapacity: Int, store: ParameterStore, adam: AdamOptimizer, threads: Int, pool: BatchPool? = nil, lends: Bool = false) {
        self.architecture = architecture
        self.communicator = communicator
        self.plan = plan
        self.threads = threads
        self.sparseInput = sparseInput
        self.store = store
        self.pool = pool
        self.lends = lends
        parameters = store.parameters
        share = store.share
        self.adam = adam
        var first: [Int] = []
        var next = 0
        for l in 0..<architecture.layerCount {
            first.append(next)
            next += Self.blocking(inW: architecture.widths[l], outW: architecture.widths[l + 1]).count
        }
        firstBlock = first
        work = Workspace(architecture: architecture, capacity: max(batchCapacity, 1), threads: threads)
        gradient = plan.layers.contains(.allreduce) ? FloatBuffer(count: architecture.parameterCount) : nil
        touched = sparseInput && plan.layers[0] == .allreduce ? FloatBuffer(count: architecture.inputWidth) : nil
        let widest = architecture.widths.max()!
        scratch = (0..<max(threads, 1)).map { _ in FloatBuffer(count: max(Self.blockFloats, widest)) }
        columnMark = [Int32](repeating: -1, count: architecture.inputWidth)
    }

    /// Runs one step on `batch` (this rank's rows of it; may be empty) of a global batch of
    /// `globalRows` rows at learning rate `rate`. Returns Σ (reconstruction − input)² over the rows
    /// this rank computed, and their count (with lending, a lending rank computes none and a computing
    /// rank also its lenders' rows).
    func run(batch ownRows: FeatureMatrix, globalRows: Int, rate: Float) -> (squaredError: Double, rows: Int) {
        var clock = PhaseClock()
        var batch = ownRows
        // Shared: every computing rank's exchange block size and the columns any rank reads, from the pool.
        var exchangeCounts: [Int]?
        var readColumns: [Int]?
        if let pool {
            let pooled = pool.pool(ownRows)
            if lends {
                adam.beginStep(rate: rate)  // the step count stays that of every rank
                timings.communication += clock.lap()
                timings.steps += 1
                return (0, 0)
            }
            batch = pooled.batch
            exchangeCounts = pooled.computed.map { exchangeCount(rows: $0.rows, nonZeros: $0.nonZeros) }
            readColumns = pooled.columns
            timings.communication += clock.lap()
        }
        let rows = batch.rows
        let p = parameters.pointer
        var sparse: CSRMatrix?
        if case .sparse(let csr) = batch { sparse = csr }
        Network.load(batch, into: work)
        if let sparse {
            // Shared: any rank of the machine may read any row, so each rank catches up the rows it
            // owns that any rank reads (catching up a row no one here reads is harmless: same arithmetic).
            catchUp(readColumns?.filter(share.owns) ?? distinctColumns(sparse.columnIndices))
        }
        timings.catchUp += clock.lap()
        // Shared: every slice's last update and catch-up are done before any rank reads the weights
        // (pooled: the computing ranks are the only ones that touch them).
        if pool?.lending == true {
            store.fence()
            communicator.barrier()
            store.fence()
        } else if plan.sharedUpdate {
            store.synchronize()
        }
        timings.communication += clock.lap()
        Network.forward(p, rows: rows, sparse: sparse, layers: architecture.layerCount, work: work)
        let squaredError = Network.outputError(rows: rows, globalRows: globalRows, work: work)
        var pending: [PendingCollective] = []
        Network.backward(p, rows: rows, work: work) { l in
            guard plan.layers[l] == .allreduce, let gradient else { return }
            pending += startAllreduce(layer: l, rows: rows, sparse: sparse, gradient: gradient)
        }
        timings.forwardBackward += clock.lap()
        adam.beginStep(rate: rate)
        if plan.layers.contains(.gather) { updateGatheredLayers(rows: rows, sparse: sparse, counts: exchangeCounts, clock: &clock) }
        pending.forEach { $0.wait() }
        timings.communication += clock.lap()
        for l in 0..<architecture.layerCount where plan.layers[l] == .allreduce { updateAllreducedLayer(l) }
        timings.update += clock.lap()
        timings.steps += 1
        return (squaredError, rows)
    }

    // MARK: lazy first-layer rows

    /// The distinct values of `columnIndices`, in first-seen order.
    private func distinctColumns(_ columnIndices: [Int32]) -> [Int] {
        stamp &+= 1
        var columns: [Int] = []
        columns.reserveCapacity(columnIndices.count)
        for c in columnIndices where columnMark[Int(c)] != stamp {
            columnMark[Int(c)] = stamp
            columns.append(Int(c))
        }
        return columns
    }

    /// Catches up the first-layer rows `columns` (of this rank's own parameters) before the forward pass reads them.
    private func catchUp(_ columns: [Int]) {
        let (adam, p) = (adam, parameters.pointer)
        columns.withUnsafeBufferPointer { cols in
            ParallelFor.shares(count: cols.count, threads: threads, granule: 1) { range in
                for k in range { adam.catchUp(p, row: cols[k]) }
            }
        }
    }

    // MARK: allreduce path

    /// Writes layer l's partial gradient over this rank's rows and starts its allreduce.
    private func startAllreduce(layer l: Int, rows: Int, sparse: CSRMatrix?, gradient: FloatBuffer) -> [PendingCollective] {
        let g = gradient.pointer
        let touchedColumns = touched?.pointer
        Network.weightGradient(layer: l, rows: rows, sparse: sparse, work: work, into: g) { touchedColumns?[$0] = 1 }
        var started: [PendingCollective] = []
        if l == 0, let touched { started.append(communicator.startAllreduce(touched.buffer, op: .sum)) }
        let size = architecture.widths[l] * architecture.widths[l + 1] + architecture.widths[l + 1]
        let segment = UnsafeMutableBufferPointer(start: g + architecture.weightOffset(l), count: size)
        started.append(communicator.startAllreduce(segment, op: .sum))
        return started
    }

    /// Adam on an allreduced layer: eager for dense weights, row by row (lazily) for the sparse first layer.
    private func updateAllreducedLayer(_ l: Int) {
        guard let gradient else { return }
        let widths = architecture.widths
        let (inW, outW) = (widths[l], widths[l + 1])
        let p = parameters.pointer, g = gradient.pointer
        let wOffset = architecture.weightOffset(l), bOffset = architecture.biasOffset(l)
        if l == 0, let touched {
            let rows = (0..<inW).filter { touched.pointer[$0] > 0 }
            let adam = adam
            rows.withUnsafeBufferPointer { rowList in
                ParallelFor.shares(count: rowList.count, threads: threads, granule: 1) { range in
                    for k in range {
                        let row = g + wOffset + rowList[k] * outW
                        adam.update(p, row: rowList[k], gradient: row)
                        row.update(repeating: 0, count: outW)
                    }
                }
            }
            touched.pointer.update(repeating: 0, count: inW)
            adam.update(p, range: bOffset..<bOffset + outW, gradient: g + bOffset, threads: threads)
        } else {
            adam.update(p, range: wOffset..<bOffset + outW, gradient: g + wOffset, threads: threads)
        }
    }

    // MARK: gather path

    /// Allgathers every gathered layer's inputs and errors in one collective, then forms each layer's
    /// full-batch weight gradient block by block and applies Adam to each block while it is in cache.
    private func updateGatheredLayers(rows: Int, sparse: CSRMatrix?, counts knownCounts: [Int]?, clock: inout PhaseClock) {
        let widths = architecture.widths
        let gathered = plan.layers.indices.filter { plan.layers[$0] == .gather }
        // This rank's block: [rows, nnz] then, per gathered layer, its inputs (CSR parts for a sparse
        // first layer: row lengths and columns as bit patterns, then values) and its errors.
        var send = exchangeSend, all = exchangeReceive
        (exchangeSend, exchangeReceive) = ([], [])  // unique, so the buffers are reused in place
        defer { (exchangeSend, exchangeReceive) = (send, all) }
        send.removeAll(keepingCapacity: true)
        send += [Float(bitPattern: UInt32(rows)), Float(bitPattern: UInt32(sparse?.nonZeroCount ?? 0))]
        for l in gathered {
            if l == 0, let sparse {
                send += (0..<rows).lazy.map { Float(bitPattern: UInt32(sparse.nonZeros(inRow: $0))) }
                send += sparse.columnIndices.lazy.map { Float(bitPattern: UInt32($0)) }
                send += sparse.values
            } else {
                send += UnsafeBufferPointer(start: work.layerInput(l), count: rows * widths[l])
            }
            send += UnsafeBufferPointer(start: work.deltas[l].pointer, count: rows * widths[l + 1])
        }
        precondition(send.count == exchangeCount(rows: rows, nonZeros: sparse?.nonZeroCount ?? 0), "exchange block size")
        timings.forwardBackward += clock.lap()
        if communicator.size == 1 {
            swap(&all, &send)
        } else {
            let counts = knownCounts ?? communicator.allgatherCounts(send.count)
            let total = counts.reduce(0, +)
            if all.count < total { all = [Float](repeating: 0, count: total) }
            // Shared: every rank enters the allgather after its backward pass has read the weights, and
            // leaves it after every rank has entered; so no slice changes while anyone still reads it.
            if plan.sharedUpdate { store.fence() }
            send.withUnsafeBufferPointer { s in all.withUnsafeMutableBufferPointer { communicator.allgatherv(s, into: $0, counts: counts) } }
            if plan.sharedUpdate { store.fence() }
        }
        timings.communication += clock.lap()
        all.withUnsafeBufferPointer { buffer in
            let blocks = RankBlocks(buffer.baseAddress!, ranks: communicator.size, gathered: gathered,
                                    widths: widths, sparseFirst: sparse != nil)
            for (position, l) in gathered.enumerated() {
                if l == 0 && sparse != nil {
                    updateSparseFirstLayer(blocks: blocks)
                } else {
                    updateDenseLayer(l, parts: blocks.parts(position))
                }
                guard share.owns(l) else { continue }
                let bOffset = architecture.biasOffset(l)
                let bias = scratch[0].pointer
                bias.update(repeating: 0, count: widths[l + 1])
                for part in blocks.parts(position) {
                    columnSums(part.delta, rows: part.rows, width: widths[l + 1], into: bias, accumulate: true)
                }
                adam.update(parameters.pointer, range: bOffset..<bOffset + widths[l + 1], gradient: bias, threads: threads)
            }
        }
        timings.update += clock.lap()
    }

    /// The floats of a rank's exchange block for a batch of `rows` rows with `nonZeros` non-zeros.
    private func exchangeCount(rows: Int, nonZeros: Int) -> Int {
        let widths = architecture.widths
        var count = 2
        for l in plan.layers.indices where plan.layers[l] == .gather {
            count += l == 0 && sparseInput ? rows + 2 * nonZeros : rows * widths[l]
            count += rows * widths[l + 1]
        }
        return count
    }

    /// Weight gradient `Σ_r A_rᵀ δ_r` of a dense layer, a block of rows at a time, each block updated by
    /// Adam right after it is formed, while it is in cache. With several threads each takes whole
    /// blocks (single-threaded sgemm and Adam), so no block is handed between thread pools.
    private func updateDenseLayer(_ l: Int, parts: [RankBlocks.Part]) {
        let widths = architecture.widths
        let (inW, outW) = (widths[l], widths[l + 1])
        let (blockRows, blockCount) = Self.blocking(inW: inW, outW: outW)
        let owned = (0..<blockCount).filter { share.owns(firstBlock[l] + $0) }
        let wOffset = architecture.weightOffset(l)
        let workers = min(threads, owned.count)
        let (adam, p, scratch) = (adam, parameters.pointer, scratch)
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
        let outW = architecture.widths[1]
        // (column, global row, value) of every non-zero, grouped by column in global row order.
        var entries: [(column: Int32, delta: UnsafePointer<Float>, value: Float)] = []
        for part in blocks.parts(0) {
            var k = 0
            for i in 0..<part.rows {
                let length = Int(part.rowLengths![i].bitPattern)
                for _ in 0..<length {
                    let column = Int32(bitPattern: part.columns![k].bitPattern)
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
        let (adam, p, scratch) = (adam, parameters.pointer, scratch)
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

/// Where a rank's step time goes, summed over steps (wall seconds).
public struct StepTimings: Equatable, Codable, Sendable {
    /// Steps measured.
    public var steps = 0
    /// Forward and backward passes (the batch's GEMMs and the sparse product), packing for exchange.
    public var forwardBackward = 0.0
    /// Waiting in collectives (allgather; allreduce completion).
    public var communication = 0.0
    /// Weight gradients of gathered layers fused with Adam, Adam of allreduced layers.
    public var update = 0.0
    /// Lazy first-layer rows replaying the steps they missed (before the forward pass, and the flush
    /// at the end of an epoch).
    public var catchUp = 0.0

    public init() {}

    public var total: Double { forwardBackward + communication + update + catchUp }

    /// The time spent since `earlier` (a snapshot of the same counters).
    public func since(_ earlier: StepTimings) -> StepTimings {
        var d = StepTimings()
        d.steps = steps - earlier.steps
        d.forwardBackward = forwardBackward - earlier.forwardBackward
        d.communication = communication - earlier.communication
        d.update = update - earlier.update
        d.catchUp = catchUp - earlier.catchUp
        return d
    }
}

/// Laps of wall time.
struct PhaseClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) * 1e-9
    }
}

/// Reads the gathered per-rank blocks written by `updateGatheredLayers`.
struct RankBlocks {
    struct Part {
        var rows: Int
        var input: UnsafePointer<Float>
        var delta: UnsafePointer<Float>
        var rowLengths: UnsafePointer<Float>?
        var columns: UnsafePointer<Float>?
        var values: UnsafePointer<Float>?
    }
    /// `partsByLayer[position][rank]`.
    private var partsByLayer: [[Part]]

    init(_ base: UnsafePointer<Float>, ranks: Int, gathered: [Int], widths: [Int], sparseFirst: Bool) {
        partsByLayer = Array(repeating: [], count: gathered.count)
        var cursor = base
        for _ in 0..<ranks {
            let rows = Int(cursor[0].bitPattern), nnz = Int(cursor[1].bitPattern)
            cursor += 2
            for (position, l) in gathered.enumerated() {
                var part = Part(rows: rows, input: cursor, delta: cursor)
                if l == 0 && sparseFirst {
                    part.rowLengths = cursor
                    part.columns = cursor + rows
                    part.values = cursor + rows + nnz
                    cursor += rows + 2 * nnz
                } else {
                    cursor += rows * widths[l]
                }
                part.delta = cursor
                cursor += rows * widths[l + 1]
                partsByLayer[position].append(part)
            }
        }
    }

    func parts(_ position: Int) -> [Part] { partsByLayer[position] }
}

/// y ← y + a·x over `n` floats.
@inline(__always)
func axpy(_ a: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    for j in 0..<n { y[j] += a * x[j] }
}

/// `out[j] (+)= Σ_i m[i, j]` over a row-major `rows × width` block.
func columnSums(_ m: UnsafePointer<Float>, rows: Int, width: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
    if !accumulate { out.update(repeating: 0, count: width) }
    for i in 0..<rows { axpy(1, m + i * width, out, width) }
}
