import Collectives
import Dispatch
import LinearAlgebra

/// One data-parallel optimisation step: forward and backward on this rank's share of the global batch,
/// the exact full-batch gradient formed by the plan's exchanges (`GradientExchange`: gather or
/// allreduce per layer), then Adam.
///
/// Every rank ends the step with the same parameters: gathered layers are computed from the same
/// gathered rows in the same order on every rank; allreduced layers from the same reduced sums.
/// On the shared path (`plan.sharedUpdate`) the parameters are one copy per machine: each rank forms
/// the gradient and runs Adam for its `share` of the update, between two machine-wide
/// `store.synchronize()` points, and the batches are pooled first (`BatchPool`).
final class TrainingStep {
    private let context: StepContext
    /// The plan's exchanges, in the order they complete.
    private let exchanges: [GradientExchange]
    /// The shared path's batch exchange before the forward pass (nil on the other paths). When some
    /// machine lends rows (`pool.lending`), the context's communicator is the computing ranks'
    /// (`Communicator.subset`).
    let pool: BatchPool?
    /// This rank only lends its rows.
    let lends: Bool
    /// Marks the columns already listed this step (`columnMark[c] == stamp`).
    private var columnMark: [Int32]
    private var stamp: Int32 = 0
    /// Wall time spent in each phase so far.
    var timings = StepTimings()

    init(architecture: Architecture, communicator: Communicator, plan: CommunicationPlan, sparseInput: Bool,
         batchCapacity: Int, store: ParameterStore, adam: AdamOptimizer, threads: Int, pool: BatchPool? = nil, lends: Bool = false) {
        context = StepContext(architecture: architecture, communicator: communicator, plan: plan, sparseInput: sparseInput,
                              store: store, adam: adam,
                              work: Workspace(architecture: architecture, capacity: max(batchCapacity, 1), threads: threads),
                              threads: threads)
        exchanges = context.exchanges()
        self.pool = pool
        self.lends = lends
        columnMark = [Int32](repeating: -1, count: architecture.inputWidth)
    }

    /// Runs one step on `batch` (this rank's rows of it; may be empty) of a global batch of
    /// `globalRows` rows at learning rate `rate`. Returns Σ (reconstruction − input)² over the rows
    /// this rank computed, and their count (with lending, a lending rank computes none and a computing
    /// rank also its lenders' rows). On the shared path `pooled` is this step's share of the pooled
    /// batches (`pool.pool`, which the caller runs for several steps at once), and `batch` is unused.
    func run(batch ownRows: FeatureMatrix, pooled: BatchPool.Pooled? = nil, globalRows: Int, rate: Float) -> (squaredError: Double, rows: Int) {
        var clock = PhaseClock()
        var batch = ownRows
        let (adam, work, store) = (context.adam, context.work, context.store)
        // Shared: every computing rank's rows and non-zeros, and the columns any rank reads, from the pool.
        var computed: [(rows: Int, nonZeros: Int)]?
        var readColumns: [Int]?
        if pool != nil {
            guard let pooled else { preconditionFailure("the shared path's step needs its pooled batch") }
            if lends {
                adam.beginStep(rate: rate)  // the step count stays that of every rank
                timings.communication += clock.lap()
                timings.steps += 1
                return (0, 0)
            }
            batch = pooled.batch
            computed = pooled.computed
            readColumns = pooled.columns
            timings.communication += clock.lap()
        }
        let rows = batch.rows
        let p = context.parameters
        var sparse: CSRMatrix?
        if case .sparse(let csr) = batch { sparse = csr }
        Network.load(batch, into: work)
        if let sparse {
            // Shared: any rank of the machine may read any row, so each rank catches up the rows it
            // owns that any rank reads (catching up a row no one here reads is harmless: same arithmetic).
            catchUp(readColumns?.filter(context.share.owns) ?? distinctColumns(sparse.columnIndices))
        }
        timings.catchUp += clock.lap()
        // Shared: every slice's last update and catch-up are done before any rank reads the weights
        // (pooled: the computing ranks are the only ones that touch them).
        if pool?.lending == true {
            store.fence()
            context.communicator.barrier()
            store.fence()
        } else if context.plan.sharedUpdate {
            store.synchronize()
        }
        timings.communication += clock.lap()
        let layers = context.architecture.layerCount
        Network.forward(p, rows: rows, sparse: sparse, layers: layers, work: work)
        let squaredError = Network.outputError(rows: rows, globalRows: globalRows, work: work)
        Network.backward(p, rows: rows, work: work) { l in
            for exchange in exchanges { exchange.backwardReady(layer: l, rows: rows, sparse: sparse) }
        }
        timings.forwardBackward += clock.lap()
        adam.beginStep(rate: rate)
        for exchange in exchanges {
            exchange.complete(rows: rows, sparse: sparse, computed: computed, clock: &clock, timings: &timings)
        }
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
        let (adam, p) = (context.adam, context.parameters)
        columns.withUnsafeBufferPointer { cols in
            ParallelFor.shares(count: cols.count, threads: context.threads, granule: 1) { range in
                for k in range { adam.catchUp(p, row: cols[k]) }
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
