import ArgumentParser
import Autoencoder
import Collectives
import Foundation
import LinearAlgebra

/// Times training steps on the synthetic IMDB-shaped data at this rank count: median step, its split
/// by phase against the ceilings, the epoch time it implies, bytes moved, peak memory per rank.
struct StepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "steps", abstract: "Time training steps (run under mpirun for several ranks).")

    @OptionGroup var data: SyntheticOptions
    @Option(help: "Hidden widths.") var hidden = "1024,512,256"
    @Option(help: "Bottleneck width.") var bottleneck = 10
    @Option(help: "Batch size (global or per rank, see --batch-mode).") var batchSize = 32
    @Option(help: "global or per-rank.") var batchMode: BatchMode = .global
    @Option(help: "auto, gather, allreduce or shared.") var comm: CommunicationChoice = .auto
    @Option(help: "Steps to time (after 5 warm-up steps).") var steps = 60
    @Option(help: "OpenBLAS threads per rank.") var threads = 1
    @Option(help: "Shared path: ranks per machine that compute (default: the machine's cores).") var computeRanks: Int?
    @Flag(help: "Also measure the sgemm and triad ceilings with this rank's threads and print the split.") var ceilings = false

    func run() throws {
        let world = World.communicator()
        BLAS.threads = threads
        let architecture = Architecture(inputWidth: data.cols, hidden: hidden.split(separator: ",").map { Int($0)! }, bottleneck: bottleneck)
        var config = TrainingConfiguration(architecture: architecture)
        config.batchSize = batchSize
        config.batchMode = batchMode
        config.communication = comm
        config.computeRanksPerMachine = computeRanks
        config.epochs = 1
        let globalBatch = batchMode == .global ? batchSize : batchSize * world.size
        // Exactly warm-up + timed steps in one epoch: that many global batches of rows.
        let warmup = 5
        let all = data.make()
        let rows = min(all.rows, (warmup + steps) * globalBatch)
        let mine = all.rows(RowPartition(total: rows, size: world.size).range(of: world.rank))
        var stamps: [Double] = []
        let result = try Trainer(configuration: config, communicator: world).train(training: .sparse(mine)) { _ in
            stamps.append(Double(DispatchTime.now().uptimeNanoseconds) * 1e-9)
        }
        let stepTimes = zip(stamps.dropFirst(warmup), stamps.dropFirst(warmup - 1)).map { $0 - $1 }
        var worst = [median(stepTimes), Double(peakResidentBytes())]
        world.allreduce(&worst, op: .max)
        if world.rank == 0 {
            let t = result.timings
            let perStep = { (x: Double) in x / Double(max(t.steps, 1)) * 1e3 }
            let epochSteps = (data.rows + globalBatch - 1) / globalBatch
            print(String(format: "ranks %d threads %d batch %d (%@, global %d) comm %@: step %.2f ms (median of %d), epoch of %d rows ≈ %.1f s; "
                         + "split fwd/bwd %.2f, comm %.2f, update %.2f ms; bytes/step %.2f MB; peak RSS %.0f MB",
                         world.size, threads, batchSize, batchMode.rawValue, globalBatch, result.communicationSummary, worst[0] * 1e3,
                         stepTimes.count, data.rows, worst[0] * Double(epochSteps), perStep(t.forwardBackward), perStep(t.communication),
                         perStep(t.update), Double(result.plan.bytesPerStep) / 1e6, worst[1] / 1e6))
            if ceilings { printCeilings(architecture: architecture, batch: globalBatch, meanNonZeros: Double(mine.nonZeroCount) / Double(max(mine.rows, 1)),
                                        step: worst[0], timings: t) }
        }
        World.finish(world)
    }

    /// The step against its ceilings: its GEMM flops at sgemm peak plus the optimizer's memory traffic
    /// (w, m, v read and written once; the gradient stays in cache when fused) at triad bandwidth.
    func printCeilings(architecture: Architecture, batch: Int, meanNonZeros: Double, step: Double, timings: StepTimings) {
        let peak = Ceilings.measure(threads: threads, repeats: 3)
        let w = architecture.widths
        var flops = 0.0
        for l in 0..<architecture.layerCount {
            let product = Double(w[l] * w[l + 1])
            if l == 0 {
                flops += 2 * 2 * Double(batch) * meanNonZeros * Double(w[1])   // sparse forward + sparse weight gradient
            } else {
                flops += 3 * 2 * Double(batch) * product   // forward, input error, weight gradient
            }
        }
        // First-layer rows a batch touches (distinct columns of ~batch × nnz draws over 5000 Zipf columns, measured ≈ 40%).
        let lazyShare = 0.4
        let dense = Double(architecture.parameterCount - w[0] * w[1]) + lazyShare * Double(w[0] * w[1])
        let bytes = 24 * dense
        let gemmCeiling = flops / (peak.sgemmGFLOPS * 1e9), optimizerCeiling = bytes / (peak.triadGBPerSecond * 1e9)
        print(String(format: "ceilings at %d threads: sgemm %.1f GFLOP/s, triad %.1f GB/s; step GEMM %.2f GFLOP → %.2f ms, optimizer %.0f MB → %.2f ms; "
                     + "sum %.2f ms; measured step %.2f ms = %.2f× the ceiling sum",
                     threads, peak.sgemmGFLOPS, peak.triadGBPerSecond, flops * 1e-9, gemmCeiling * 1e3, bytes / 1e6, optimizerCeiling * 1e3,
                     (gemmCeiling + optimizerCeiling) * 1e3, step * 1e3, step / (gemmCeiling + optimizerCeiling)))
    }
}

/// The process's peak resident set (bytes).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
