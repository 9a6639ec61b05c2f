import LinearAlgebra
import CKernels

/// Scratch space for forward and backward passes over up to `capacity` rows: each layer's output
/// (`activations[l + 1]`, after ReLU where the layer has one), each layer's error at its
/// pre-activation (`deltas[l]`), and the batch as dense rows (`input`: the network's input for dense
/// data, the reconstruction target for both kinds).
final class Workspace {
    let architecture: Architecture
    let capacity: Int
    /// Threads the passes split their GEMMs over (each GEMM single-threaded in OpenBLAS).
    let threads: Int
    let input: FloatBuffer
    let activations: [FloatBuffer]
    let deltas: [FloatBuffer]

    init(architecture: Architecture, capacity: Int, threads: Int = 1) {
        self.architecture = architecture
        self.capacity = capacity
        self.threads = max(threads, 1)
        let widths = architecture.widths
        input = FloatBuffer(count: capacity * architecture.inputWidth)
        activations = widths.map { FloatBuffer(count: capacity * $0) }
        deltas = widths.dropFirst().map { FloatBuffer(count: capacity * $0) }
    }

    /// Layer `l`'s input for the dense layers (`l ≥ 1`, or `l == 0` with dense data).
    func layerInput(_ l: Int) -> UnsafeMutablePointer<Float> { l == 0 ? input.pointer : activations[l].pointer }
}

/// Forward and backward passes of the autoencoder on raw parameters (see `Architecture` for the layout).
enum Network {
    /// Copies `batch` into `work.input` as dense rows (the target; also layer 0's input for dense data).
    static func load(_ batch: FeatureMatrix, into work: Workspace) {
        let width = work.architecture.inputWidth
        let rows = batch.rows
        precondition(rows <= work.capacity && batch.cols == width, "batch does not fit the workspace")
        let out = work.input.pointer
        switch batch {
        case .dense(let m):
            m.storage.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: rows * width) }
        case .sparse(let csr):
            out.update(repeating: 0, count: rows * width)
            for i in 0..<rows {
                for k in csr.rowPointers[i]..<csr.rowPointers[i + 1] {
                    out[i * width + Int(csr.columnIndices[k])] = csr.values[k]
                }
            }
        }
    }

    /// Runs layers `0..<layers` on the batch already `load`ed into `work` (`sparse`: the same batch as
    /// CSR, used by layer 0 instead of the dense rows). Layer l's output lands in `activations[l + 1]`.
    static func forward(_ p: UnsafePointer<Float>, rows: Int, sparse: CSRMatrix?, layers: Int, work: Workspace) {
        let arch = work.architecture
        let widths = arch.widths
        for l in 0..<layers {
            let (inW, outW) = (widths[l], widths[l + 1])
            let out = work.activations[l + 1].pointer
            let weights = p + arch.weightOffset(l)
            if l == 0, let sparse {
                splitColumns(outW, threads: work.threads, flops: 2 * sparse.nonZeroCount * outW) { j0, j1 in
                    sparse.multiply(denseB: weights + j0, n: j1 - j0, ldb: outW, into: out + j0, ldc: outW)
                }
            } else {
                splitSgemm(threads: work.threads, .none, .none, m: rows, n: outW, k: inW, a: work.layerInput(l), lda: inW,
                           b: weights, ldb: outW, c: out, ldc: outW)
            }
            addBias(p + arch.biasOffset(l), to: out, rows: rows, width: outW, relu: !arch.isLinear(l))
        }
    }

    /// `C = op(A) · op(B)` (`m × n`), with C's columns split over `threads` concurrent single-threaded
    /// sgemm calls (OpenBLAS's own pool would spin beside the step's threads).
    static func splitSgemm(threads: Int, _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
                           b: UnsafePointer<Float>, ldb: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        splitColumns(n, threads: threads, flops: 2 * m * n * k) { j0, j1 in
            let columns = transB == .none ? b + j0 : b + j0 * ldb
            BLAS.sgemm(transA, transB, m: m, n: j1 - j0, k: k, a: a, lda: lda, b: columns, ldb: ldb, c: c + j0, ldc: ldc)
        }
    }

    /// Runs `body(j0, j1)` over a split of `0..<n` into up to `threads` concurrent pieces (multiples of
    /// 64 columns); one piece when the work (`flops`) is too small to be worth a hand-off.
    static func splitColumns(_ n: Int, threads: Int, flops: Int, _ body: (Int, Int) -> Void) {
        let granule = 64
        let parts = min(threads, n / granule, max(1, flops / 2_000_000))
        guard parts > 1 else { return body(0, n) }
        let per = (n / parts + granule - 1) / granule * granule
        ComputeThreads.perform(iterations: parts) { t in
            let j0 = t * per, j1 = t == parts - 1 ? n : min(n, j0 + per)
            if j0 < j1 { body(j0, j1) }
        }
    }

    static func addBias(_ bias: UnsafePointer<Float>, to out: UnsafeMutablePointer<Float>, rows: Int, width: Int, relu: Bool) {
        for i in 0..<rows {
            let row = out + i * width
            if relu {
                for j in 0..<width { row[j] = max(row[j] + bias[j], 0) }
            } else {
                for j in 0..<width { row[j] += bias[j] }
            }
        }
    }

    /// The output error of the mean squared error over `globalRows × width` outputs: writes
    /// `2(y − x) / (globalRows · width)` into the last delta and returns this batch's Σ (y − x)².
    static func outputError(rows: Int, globalRows: Int, work: Workspace) -> Double {
        let arch = work.architecture
        let width = arch.inputWidth
        let y = work.activations[arch.layerCount].pointer
        let x = work.input.pointer
        let delta = work.deltas[arch.layerCount - 1].pointer
        let scale = 2 / Float(globalRows * width)
        var total: Double = 0
        for i in 0..<rows {
            var rowSum: Float = 0
            let o = i * width
            for j in 0..<width {
                let e = y[o + j] - x[o + j]
                rowSum += e * e
                delta[o + j] = scale * e
            }
            total += Double(rowSum)
        }
        return total
    }

    /// Back-propagates the output error to every layer's pre-activation error (`deltas[l]`, l ≥ 0),
    /// calling `layerDone(l)` as soon as layer l's error is final (from the last layer down), so its
    /// gradient exchange can start while earlier layers are still being computed.
    static func backward(_ p: UnsafePointer<Float>, rows: Int, work: Workspace, layerDone: (Int) -> Void) {
        let arch = work.architecture
        let widths = arch.widths
        for l in stride(from: arch.layerCount - 1, through: 1, by: -1) {
            layerDone(l)
            let (inW, outW) = (widths[l], widths[l + 1])
            let below = work.deltas[l - 1].pointer
            splitSgemm(threads: work.threads, .none, .transposed, m: rows, n: inW, k: outW, a: work.deltas[l].pointer, lda: outW,
                       b: p + arch.weightOffset(l), ldb: outW, c: below, ldc: inW)
            if !arch.isLinear(l - 1) {
                // In C: Swift's loop kept a branch per element (9% of a Fashion-MNIST step).
                ck_relu_mask(below, work.activations[l].pointer, rows * inW)
            }
        }
        layerDone(0)
    }

    /// Layer l's weight and bias gradient over the batch's rows, written at the layer's offsets of `g`
    /// (flat parameter layout). For a sparse first layer only the rows of the columns the batch
    /// touches are added to (they must be zero before), and `touched(column)` is called for each.
    static func weightGradient(layer l: Int, rows: Int, sparse: CSRMatrix?, work: Workspace,
                               into g: UnsafeMutablePointer<Float>, touched: (Int) -> Void = { _ in }) {
        let arch = work.architecture
        let (inW, outW) = (arch.widths[l], arch.widths[l + 1])
        let wOffset = arch.weightOffset(l)
        let delta = work.deltas[l].pointer
        if l == 0, let sparse {
            for i in 0..<rows {
                for k in sparse.rowPointers[i]..<sparse.rowPointers[i + 1] {
                    let c = Int(sparse.columnIndices[k])
                    axpy(sparse.values[k], delta + i * outW, g + wOffset + c * outW, outW)
                    touched(c)
                }
            }
        } else if rows > 0 {
            splitSgemm(threads: work.threads, .transposed, .none, m: inW, n: outW, k: rows, a: work.layerInput(l), lda: inW,
                       b: delta, ldb: outW, c: g + wOffset, ldc: outW)
        } else {
            (g + wOffset).update(repeating: 0, count: inW * outW)
        }
        columnSums(delta, rows: rows, width: outW, into: g + arch.biasOffset(l))
    }
}
