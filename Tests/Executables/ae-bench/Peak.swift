import ArgumentParser
import Foundation
import LinearAlgebra

/// The ceilings a training step is measured against: sgemm GFLOP/s, the CPU's multiply-add peak and
/// a memory triad's GB/s.
struct PeakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "peak", abstract: "sgemm and multiply-add GFLOP/s and triad GB/s at a thread count.")

    @Option(help: "Threads (OpenBLAS, the multiply-add loop and the triad).") var threads = 1
    @Option(help: "Repetitions (the fastest is reported: a ceiling).") var repeats = 5

    func run() {
        let peak = Ceilings.measure(threads: threads, repeats: repeats)
        print(String(format: "threads %d  sgemm %.1f GFLOP/s (%@, %.0f%% of the %d-wide multiply-add peak %.1f)  triad %.1f GB/s",
                     threads, peak.sgemmGFLOPS, BLASKernel.provenance, 100 * peak.sgemmShareOfPeak, peak.vectorWidth,
                     peak.peakGFLOPS, peak.triadGBPerSecond))
    }
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}
