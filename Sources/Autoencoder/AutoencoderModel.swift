import Randomness
import LinearAlgebra

/// An autoencoder's architecture and parameters (flat, in `Architecture`'s layout).
public struct AutoencoderModel: Equatable, Sendable {
    public let architecture: Architecture
    public var parameters: [Float]

    public init(architecture: Architecture, parameters: [Float]) {
        precondition(parameters.count == architecture.parameterCount, "parameter count does not match the architecture")
        self.architecture = architecture
        self.parameters = parameters
    }

    /// Keras's initialisation: Glorot-uniform weights (limit √(6 / (in + out))), zero biases, drawn
    /// from `seed` (the same on every rank, so every rank starts from the same model).
    public static func glorotUniform(_ architecture: Architecture, seed: UInt64) -> AutoencoderModel {
        var generator = SeededGenerator(seed: seed, streams: [RandomStream.initialisation.rawValue])
        var parameters = [Float](repeating: 0, count: architecture.parameterCount)
        let widths = architecture.widths
        for l in 0..<architecture.layerCount {
            let limit = Float((6 / Double(widths[l] + widths[l + 1])).squareRoot())
            let start = architecture.weightOffset(l)
            for k in start..<start + widths[l] * widths[l + 1] {
                parameters[k] = (2 * generator.nextUnitFloat() - 1) * limit
            }
        }
        return AutoencoderModel(architecture: architecture, parameters: parameters)
    }

    /// The bottleneck codes of `features` (`rows × bottleneck`), computed `chunk` rows at a time.
    public func encode(_ features: FeatureMatrix, chunk: Int = 256) -> Matrix {
        let layers = architecture.encoderLayerCount
        return apply(features, layers: layers, chunk: chunk)
    }

    /// The codes of `features`, rows `firstRow ..< firstRow + rows` of a larger set whose rows are
    /// split over ranks, the same bits whichever way it is split: each fixed chunk of the set
    /// (`chunk` rows from a multiple of `chunk`) is encoded as one single-threaded pass of exactly
    /// `chunk` rows, the rows this caller lacks left zero, so every row sits at the same place of the
    /// same-shaped products. Chunks run side by side on `threads` threads.
    public func encode(_ features: FeatureMatrix, firstRow: Int, threads: Int, chunk: Int = 256) -> Matrix {
        let layers = architecture.encoderLayerCount, width = architecture.widths[layers]
        var out = Matrix(rows: features.rows, cols: width)
        guard features.rows > 0 else { return out }
        let first = firstRow / chunk, last = (firstRow + features.rows - 1) / chunk
        let blasThreads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = blasThreads }
        parameters.withUnsafeBufferPointer { p in
            out.storage.withUnsafeMutableBufferPointer { o in
                let o = o
                let chunks = last - first + 1, workers = max(1, min(threads, chunks))
                // One workspace per worker, reused for each of its chunks.
                ComputeThreads.perform(iterations: workers) { w in
                    let work = Workspace(architecture: architecture, capacity: chunk)
                    for c in stride(from: w, to: chunks, by: workers) {
                        let start = (first + c) * chunk
                        let own = max(start, firstRow)..<min(start + chunk, firstRow + features.rows)
                        let batch = features.padded(rows: own.map { $0 - firstRow }, at: own.lowerBound - start, to: chunk)
                        Evaluation.forward(p.baseAddress!, batch: batch, layers: layers, work: work)
                        let from = work.activations[layers].pointer + (own.lowerBound - start) * width
                        o.baseAddress!.advanced(by: (own.lowerBound - firstRow) * width).update(from: from, count: own.count * width)
                    }
                }
            }
        }
        return out
    }

    /// The reconstructions of `features` (`rows × inputWidth`).
    public func reconstruct(_ features: FeatureMatrix, chunk: Int = 256) -> Matrix {
        apply(features, layers: architecture.layerCount, chunk: chunk)
    }

    /// The mean squared reconstruction error over every output of `features` (Keras's MSE).
    public func meanSquaredError(_ features: FeatureMatrix) -> Double {
        let total = parameters.withUnsafeBufferPointer {
            Evaluation.squaredError($0.baseAddress!, architecture: architecture, features: features)
        }
        return total / Double(max(features.rows * architecture.inputWidth, 1))
    }

    /// The mean squared error over every output of `batch` and its gradient with respect to every
    /// parameter (flat, in `Architecture`'s layout), computed in one process.
    public func lossAndGradient(_ batch: FeatureMatrix) -> (loss: Double, gradient: [Float]) {
        var gradient = [Float](repeating: 0, count: parameters.count)
        let work = Workspace(architecture: architecture, capacity: max(batch.rows, 1))
        var sparse: CSRMatrix?
        if case .sparse(let csr) = batch { sparse = csr }
        let squaredError = parameters.withUnsafeBufferPointer { p -> Double in
            gradient.withUnsafeMutableBufferPointer { g in
                Evaluation.forward(p.baseAddress!, batch: batch, layers: architecture.layerCount, work: work)
                let total = Network.outputError(rows: batch.rows, globalRows: batch.rows, work: work)
                Network.backward(p.baseAddress!, rows: batch.rows, work: work) { l in
                    Network.weightGradient(layer: l, rows: batch.rows, sparse: sparse, work: work, into: g.baseAddress!)
                }
                return total
            }
        }
        return (squaredError / Double(max(batch.rows * architecture.inputWidth, 1)), gradient)
    }

    private func apply(_ features: FeatureMatrix, layers: Int, chunk: Int) -> Matrix {
        let width = architecture.widths[layers]
        var out = Matrix(rows: features.rows, cols: width)
        let work = Workspace(architecture: architecture, capacity: min(chunk, max(features.rows, 1)))
        parameters.withUnsafeBufferPointer { p in
            out.storage.withUnsafeMutableBufferPointer { o in
                for start in stride(from: 0, to: features.rows, by: work.capacity) {
                    let rows = min(work.capacity, features.rows - start)
                    let batch = features.gatherRows(Array(start..<start + rows))
                    Evaluation.forward(p.baseAddress!, batch: batch, layers: layers, work: work)
                    o.baseAddress!.advanced(by: start * width).update(from: work.activations[layers].pointer, count: rows * width)
                }
            }
        }
        return out
    }
}

/// The purposes random numbers serve; each draws from its own stream of the seed.
enum RandomStream: UInt64 {
    case initialisation = 1
    case shuffle = 2
}

/// Forward passes outside training: encoding, reconstruction, validation loss.
enum Evaluation {
    static func forward(_ p: UnsafePointer<Float>, batch: FeatureMatrix, layers: Int, work: Workspace) {
        var sparse: CSRMatrix?
        if case .sparse(let csr) = batch { sparse = csr }
        if sparse == nil || layers == work.architecture.layerCount { Network.load(batch, into: work) }
        Network.forward(p, rows: batch.rows, sparse: sparse, layers: layers, work: work)
    }

    /// Σ (reconstruction − input)² over every output of `features`.
    static func squaredError(_ p: UnsafePointer<Float>, architecture: Architecture, features: FeatureMatrix,
                             chunk: Int = 256) -> Double {
        let work = Workspace(architecture: architecture, capacity: min(chunk, max(features.rows, 1)))
        var total: Double = 0
        for start in stride(from: 0, to: features.rows, by: work.capacity) {
            let rows = min(work.capacity, features.rows - start)
            forward(p, batch: features.gatherRows(Array(start..<start + rows)), layers: architecture.layerCount, work: work)
            total += Network.outputError(rows: rows, globalRows: 1, work: work)
        }
        return total
    }
}
