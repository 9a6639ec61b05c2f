import Randomness
import Collectives
import Foundation
import LinearAlgebra

/// An error that stops training, with what to do about it.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}

/// Data-parallel autoencoder training (see DESIGN.md "Semantics"): every rank holds the whole model
/// and trains on its share of every global batch, drawn from its own rows; the exact full-batch
/// gradient is formed by the `CommunicationPlan`; Adam runs on every rank (lazily for the rows of a
/// sparse first layer), or, on the shared path, once per machine with each of its ranks updating a
/// slice of one shared copy. Every rank must call `train` with its own rows.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let communicator: Communicator

    public init(configuration: TrainingConfiguration, communicator: Communicator) {
        self.configuration = configuration
        self.communicator = communicator
    }

    /// Trains on this rank's `training` rows, reporting validation loss on its `validation` rows.
    /// Resumes from the checkpoint when asked and one exists; writes the checkpoint (rank 0) after the
    /// configured epochs. Throws `RankFailure` (agreed by every rank) for bad input, an unusable
    /// checkpoint, a failed write, or a non-finite loss (the last good checkpoint stays).
    ///
    /// `stopRequested` is asked at the end of every epoch, on every rank (it may be a collective that
    /// agrees on a signal); when it answers true the epoch's checkpoint is written and training ends
    /// with a `RankFailure` that says how to resume. With a `deadline`, training ends (checkpoint
    /// written, no error) after the last epoch that it allows, as rank 0's clock tells; the result's
    /// history says how many epochs that was.
    public func train(training: FeatureMatrix, validation: FeatureMatrix? = nil,
                      deadline: TrainingDeadline? = nil,
                      progress: ((TrainingProgress) -> Void)? = nil,
                      stopRequested: (() -> Bool)? = nil) throws -> TrainingResult {
        let config = configuration
        let arch = config.architecture
        let comm = communicator
        // This thread computes too (the step's workers flush in `ComputeThreads.perform`; OpenBLAS runs
        // on them, one thread each, while training).
        ComputeThreads.flushSubnormals()
        var sparseInput = false
        if case .sparse = training { sparseInput = true }
        try comm.agreeing("train") {
            guard training.cols == arch.inputWidth, validation.map({ $0.cols == arch.inputWidth }) ?? true else {
                throw TrainingError(message: "the data has \(training.cols) columns but the network's input is \(arch.inputWidth) wide")
            }
        }
        let rowsPerRank = comm.allgatherCounts(training.rows)
        let totalRows = rowsPerRank.reduce(0, +)
        guard totalRows > 0 else { throw RankFailure(rank: 0, stage: "train", message: "no training rows") }
        let schedule = BatchSchedule(rowsPerRank: rowsPerRank, batchSize: config.batchSize, mode: config.batchMode)
        var meanNonZeros = 0.0
        if case .sparse(let csr) = training { meanNonZeros = Double(comm.allreduce(csr.nonZeroCount, op: .sum)) / Double(totalRows) }
        let globalBatch = schedule.shares.reduce(0, +)
        let plan = CommunicationPlan(choice: config.communication, architecture: arch, sparseInput: sparseInput,
                                     meanNonZeros: meanNonZeros, globalBatch: globalBatch, ranks: comm.size,
                                     ranksPerMachine: comm.allreduce(comm.localSize, op: .max))
        let fingerprint = config.fingerprint(trainingRows: totalRows, sparseInput: sparseInput)

        var restored = try restore(fingerprint: fingerprint)
        // Shared path: pool the batches where a machine runs more ranks than it computes with (agreed by all).
        let computeRanks = min(comm.localSize, max(1, config.computeRanksPerMachine ?? World.machineCores))
        let pooling = plan.sharedUpdate && comm.allreduce(computeRanks < comm.localSize ? 1 : 0, op: .max) > 0
        let store = ParameterStore(initial: restored?.parameters ?? AutoencoderModel.glorotUniform(arch, seed: config.seed).parameters,
                                   moments: restored.map { ($0.firstMoments, $0.secondMoments) },
                                   sharedOn: plan.sharedUpdate ? comm : nil, computeRanks: pooling ? computeRanks : nil)
        // Collective over each machine's ranks, reached by all of them: every exit below is agreed.
        defer { store.free() }
        // Pooled: each computing rank of this machine on a core of its own (see `CorePin`).
        let pin = pooling && comm.localRank < computeRanks ? CorePin(index: comm.localRank) : nil
        defer { pin?.restore() }
        let parameters = store.parameters
        let threads = max(1, config.threads ?? BLAS.threads)
        // The step splits its work over `threads` itself; OpenBLAS runs each piece on one thread.
        let blasThreads = BLAS.threads
        BLAS.threads = 1
        defer { BLAS.threads = blasThreads }
        let adam = AdamOptimizer(settings: config.adam, m: store.firstMoments, v: store.secondMoments,
                                 lazyOffset: 0, lazyRows: sparseInput ? arch.inputWidth : 0, lazyWidth: arch.widths[1],
                                 step: restored?.header.adamStep ?? 0)
        // Pooled: the step's collectives run over the computing ranks; the lenders only pool their rows.
        let computing = pooling ? comm.subset(including: comm.localRank < computeRanks) : comm
        let step = TrainingStep(architecture: arch, communicator: computing ?? comm, plan: plan, sparseInput: sparseInput,
                                batchCapacity: pooling ? (0..<comm.size).reduce(0) { $0 + schedule.largestBatch(rank: $1) }
                                                       : schedule.largestBatch(rank: comm.rank),
                                store: store, adam: adam, threads: threads,
                                pool: plan.sharedUpdate ? BatchPool(communicator: comm, computeRanks: pooling ? computeRanks : comm.localSize,
                                                                    lending: pooling) : nil,
                                lends: computing == nil)
        // Batch rows are pooled in one exchange per this many steps (see `BatchPool.pool`).
        let stepsPerExchange = BatchPool.stepsPerExchange(globalRows: globalBatch,
                                                          bytesPerRow: sparseInput ? 8 * meanNonZeros + 4 : 4 * Double(arch.inputWidth))
        var history = restored?.header.history ?? []
        let resumedAfter = restored?.header.epochsDone
        restored = nil  // the buffers above hold their own copies
        let firstEpoch = resumedAfter ?? 0

        for epoch in firstEpoch..<config.epochs {
            let started = Date()
            let timingsBefore = step.timings
            var shuffle = SeededGenerator(seed: config.seed, streams: [RandomStream.shuffle.rawValue, UInt64(epoch), UInt64(comm.rank)])
            let order = shuffle.permutation(training.rows)
            // Over the rows this rank computed (its own, or with pooling its lenders' too) and over all ranks.
            var squaredError = 0.0, localRows = 0, globalRows = 0
            func ownRows(step s: Int) -> FeatureMatrix { training.gatherRows(Array(order[schedule.range(rank: comm.rank, step: s)])) }
            // The shared path's pooled batches of steps pooledFrom..., exchanged several steps ahead.
            var pooled: [BatchPool.Pooled] = [], pooledFrom = 0
            for s in 0..<schedule.steps {
                var share: BatchPool.Pooled?
                if let pool = step.pool {
                    if s - pooledFrom >= pooled.count {
                        var clock = PhaseClock()
                        pooled = pool.pool((s..<min(schedule.steps, s + stepsPerExchange)).map(ownRows))
                        pooledFrom = s
                        step.timings.communication += clock.lap()
                    }
                    share = pooled[s - pooledFrom]
                }
                let done = step.run(batch: share?.batch ?? ownRows(step: s), pooled: share,
                                    globalRows: schedule.globalRows(step: s),
                                    rate: learningRate(epoch: epoch, step: s, stepsPerEpoch: schedule.steps))
                squaredError += done.squaredError
                localRows += done.rows
                globalRows += schedule.globalRows(step: s)
                progress?(TrainingProgress(epoch: epoch + 1, epochs: config.epochs, step: s + 1, stepsPerEpoch: schedule.steps,
                                           runningLoss: squaredError / Double(max(localRows * arch.inputWidth, 1)),
                                           samplesPerSecond: Double(globalRows) / max(Date().timeIntervalSince(started), 1e-9)))
            }
            var clock = PhaseClock()
            adam.flush(parameters.pointer, threads: threads, share: store.share)
            step.timings.catchUp += clock.lap()
            store.synchronize()  // shared: every slice is current before validation, checkpoint and the result read it
            // Every rank contributes all four sums, with or without validation rows of its own.
            var sums = [squaredError, Double(localRows), 0, 0]
            if let validation {
                sums[2] = Evaluation.squaredError(parameters.pointer, architecture: arch, features: validation)
                sums[3] = Double(validation.rows)
            }
            comm.allreduce(&sums, op: .sum)
            let loss = sums[0] / (sums[1] * Double(arch.inputWidth))
            let validationLoss = sums[3] == 0 ? nil : sums[2] / (sums[3] * Double(arch.inputWidth))
            guard loss.isFinite, validationLoss?.isFinite ?? true else {
                let kept = config.checkpointPath.map { " The last good checkpoint (\($0)) is kept." } ?? ""
                throw RankFailure(rank: 0, stage: "train", message:
                    "the loss became \(loss) in epoch \(epoch + 1) (learning rate \(config.adam.learningRate) may be too high for this data).\(kept)")
            }
            history.append(EpochRecord(epoch: epoch + 1, loss: loss, validationLoss: validationLoss,
                                       seconds: Date().timeIntervalSince(started), phases: step.timings.since(timingsBefore)))
            let stopping = stopRequested?() ?? false
            let outOfTime = deadline.map { deadline in
                let fits = comm.rank == 0 && deadline.allowsAnotherEpoch(after: history[firstEpoch...].map(\.seconds), now: Date())
                return comm.allreduce(fits ? 1 : 0, op: .max) == 0
            } ?? false
            if let path = config.checkpointPath,
               stopping || outOfTime || (epoch + 1) % max(config.checkpointEvery, 1) == 0 || epoch + 1 == config.epochs {
                try comm.agreeing("checkpoint") {
                    guard comm.rank == 0 else { return }
                    let header = Checkpoint.Header(fingerprint: fingerprint, architecture: arch, epochsDone: epoch + 1,
                                                   adamStep: adam.step, ranks: comm.size, history: history)
                    try CheckpointFile.write(header: header, parameters: UnsafeBufferPointer(parameters.buffer),
                                             firstMoments: UnsafeBufferPointer(adam.m.buffer),
                                             secondMoments: UnsafeBufferPointer(adam.v.buffer), to: path)
                }
            }
            if stopping && epoch + 1 < config.epochs {
                let resume = config.checkpointPath.map { "; \($0) holds it: run the same command with --resume to continue" } ?? ""
                throw RankFailure(rank: 0, stage: "train", message: "stopped by a signal after epoch \(epoch + 1) of \(config.epochs)\(resume)")
            }
            if outOfTime { break }
        }
        return TrainingResult(model: AutoencoderModel(architecture: arch, parameters: parameters.array), history: history,
                              plan: plan, resumedAfterEpoch: resumedAfter, timings: step.timings,
                              computeRanksPerMachine: pooling ? computeRanks : nil)
    }

    /// The rate of a step: the configured one in global mode; in per-rank mode, ranks × rate after a
    /// linear warm-up over `warmupEpochs` (Goyal et al. / Horovod).
    func learningRate(epoch: Int, step: Int, stepsPerEpoch: Int) -> Float {
        let base = configuration.adam.learningRate
        guard configuration.batchMode == .perRank, communicator.size > 1 else { return base }
        let warmupSteps = configuration.warmupEpochs * stepsPerEpoch
        let progress = warmupSteps == 0 ? 1 : min(1, Float(epoch * stepsPerEpoch + step + 1) / Float(warmupSteps))
        return base * (1 + (Float(communicator.size) - 1) * progress)
    }

    /// The checkpoint to resume from: read and checked on rank 0, then broadcast (nil: start fresh).
    private func restore(fingerprint: [String: String]) throws -> Checkpoint? {
        guard configuration.resume, let path = configuration.checkpointPath else { return nil }
        let comm = communicator
        let local = try comm.agreeing("resume") { () -> Checkpoint? in
            guard comm.rank == 0, FileManager.default.fileExists(atPath: path) else { return nil }
            let checkpoint = try CheckpointFile.read(path: path, expecting: fingerprint)
            guard checkpoint.header.architecture == configuration.architecture else {
                throw CheckpointError(path: path, problem: "holds a \(checkpoint.header.architecture) network, not \(configuration.architecture)")
            }
            return checkpoint
        }
        var headerBytes = try local.map { Array(try JSONEncoder().encode($0.header)) } ?? []
        comm.broadcast(&headerBytes, root: 0)
        guard !headerBytes.isEmpty else { return nil }
        let header = try JSONDecoder().decode(Checkpoint.Header.self, from: Data(headerBytes))
        let count = configuration.architecture.parameterCount
        var arrays = [local?.parameters, local?.firstMoments, local?.secondMoments].map { $0 ?? [Float](repeating: 0, count: count) }
        for k in arrays.indices { arrays[k].withUnsafeMutableBufferPointer { comm.broadcast($0, root: 0) } }
        return Checkpoint(header: header, parameters: arrays[0], firstMoments: arrays[1], secondMoments: arrays[2])
    }
}
