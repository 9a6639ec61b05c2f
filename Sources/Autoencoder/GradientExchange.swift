import Collectives
import LinearAlgebra

/// How the ranks form the full-batch gradient of some layers from their partial results of a step,
/// and apply Adam to those layers: one type per path (`GatherExchange`, `AllreduceExchange`), made
/// once from the `CommunicationPlan` (`exchanges(for:)`).
protocol GradientExchange: AnyObject {
    /// The backward pass has formed this rank's errors of layer `l` (the allreduce path starts the
    /// layer's sum here, so it overlaps the rest of the backward pass).
    func backwardReady(layer l: Int, rows: Int, sparse: CSRMatrix?)
    /// Completes this step's exchange and updates the layers of this path. `computed`: the rows and
    /// non-zeros of every computing rank, when the batch pool already told them.
    func complete(rows: Int, sparse: CSRMatrix?, computed: [(rows: Int, nonZeros: Int)]?, clock: inout PhaseClock,
                  timings: inout StepTimings)
}

/// What every exchange of a step works with.
struct StepContext {
    let architecture: Architecture
    let communicator: Communicator
    let plan: CommunicationPlan
    let sparseInput: Bool
    let store: ParameterStore
    let adam: AdamOptimizer
    let work: Workspace
    let threads: Int

    var parameters: UnsafeMutablePointer<Float> { store.parameters.pointer }
    /// This rank's part of the update (`.whole` unless the update is shared).
    var share: WorkShare { store.share }

    /// The layers the plan sends by `kind`.
    func layers(_ kind: LayerExchange) -> [Int] { plan.layers.indices.filter { plan.layers[$0] == kind } }

    /// The exchanges the plan asks for, in the order their `complete` runs (gather, then allreduce,
    /// whose sums travel meanwhile).
    func exchanges() -> [GradientExchange] {
        var exchanges: [GradientExchange] = []
        if !layers(.gather).isEmpty { exchanges.append(GatherExchange(self)) }
        if !layers(.allreduce).isEmpty { exchanges.append(AllreduceExchange(self)) }
        return exchanges
    }
}

/// The allreduce path: each rank's partial weight gradient of a layer is summed over the ranks
/// (started as soon as the backward pass has it); every rank then runs Adam on the whole layer, eagerly
/// for dense weights and row by row (lazily) for the sparse first layer's touched rows.
final class AllreduceExchange: GradientExchange {
    private let context: StepContext
    /// Partial gradients of the allreduced layers (flat, parameter layout); zero outside a step for
    /// the sparse first layer's rows.
    private let gradient: FloatBuffer
    /// For a sparse, allreduced first layer: which input columns any rank touched this step.
    private let touched: FloatBuffer?
    private var pending: [PendingCollective] = []

    init(_ context: StepContext) {
        self.context = context
        let architecture = context.architecture
        gradient = FloatBuffer(count: architecture.parameterCount)
        touched = context.sparseInput && context.plan.layers[0] == .allreduce ? FloatBuffer(count: architecture.inputWidth) : nil
    }

    func backwardReady(layer l: Int, rows: Int, sparse: CSRMatrix?) {
        guard context.plan.layers[l] == .allreduce else { return }
        let architecture = context.architecture, g = gradient.pointer
        let touchedColumns = touched?.pointer
        Network.weightGradient(layer: l, rows: rows, sparse: sparse, work: context.work, into: g) { touchedColumns?[$0] = 1 }
        if l == 0, let touched { pending.append(context.communicator.startAllreduce(touched.buffer, op: .sum)) }
        let size = architecture.widths[l] * architecture.widths[l + 1] + architecture.widths[l + 1]
        let segment = UnsafeMutableBufferPointer(start: g + architecture.weightOffset(l), count: size)
        pending.append(context.communicator.startAllreduce(segment, op: .sum))
    }

    func complete(rows: Int, sparse: CSRMatrix?, computed: [(rows: Int, nonZeros: Int)]?, clock: inout PhaseClock,
                  timings: inout StepTimings) {
        pending.forEach { $0.wait() }
        pending.removeAll(keepingCapacity: true)
        timings.communication += clock.lap()
        for l in context.layers(.allreduce) { update(l) }
        timings.update += clock.lap()
    }

    private func update(_ l: Int) {
        let architecture = context.architecture, adam = context.adam, threads = context.threads
        let (inW, outW) = (architecture.widths[l], architecture.widths[l + 1])
        let p = context.parameters, g = gradient.pointer
        let wOffset = architecture.weightOffset(l), bOffset = architecture.biasOffset(l)
        if l == 0, let touched {
            let rows = (0..<inW).filter { touched.pointer[$0] > 0 }
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
}
