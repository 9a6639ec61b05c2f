import ArgumentParser
import Dispatch
import Foundation
import LinearAlgebra

/// The ceilings a training step is measured against: sgemm GFLOP/s and a memory triad's GB/s.
struct PeakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "peak", abstract: "sgemm GFLOP/s and triad GB/s at a thread count.")

    @Option(help: "Threads (OpenBLAS and the triad).") var threads = 1
    @Option(help: "Repetitions (the median is reported).") var repeats = 5

    func run() {
        let peak = Ceilings.measure(threads: threads, repeats: repeats)
        print(String(format: "threads %d  sgemm %.1f GFLOP/s  triad %.1f GB/s", threads, peak.gflops, peak.gigabytesPerSecond))
    }
}

struct Ceilings {
    var gflops: Double
    var gigabytesPerSecond: Double

    static func measure(threads: Int, repeats: Int) -> Ceilings {
        BLAS.threads = threads
        let n = 1536
        let a = FloatArray(count: n * n, value: 0.5), b = FloatArray(count: n * n, value: 0.25), c = FloatArray(count: n * n, value: 0)
        let gemm = median((0..<repeats).map { _ in
            seconds { BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.p, lda: n, b: b.p, ldb: n, c: c.p, ldc: n) }
        })
        let count = 16 << 20  // 3 × 64 MB, far beyond the caches
        let x = FloatArray(count: count, value: 1), y = FloatArray(count: count, value: 2), z = FloatArray(count: count, value: 0)
        let triad = median((0..<repeats).map { _ in
            seconds {
                let per = count / threads
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    let (xp, yp, zp) = (x.p, y.p, z.p)
                    for i in t * per..<(t == threads - 1 ? count : (t + 1) * per) { zp[i] = xp[i] + 3 * yp[i] }
                }
            }
        })
        return Ceilings(gflops: 2 * Double(n * n * n) / gemm * 1e-9, gigabytesPerSecond: 12 * Double(count) / triad * 1e-9)
    }
}

/// A raw float array for the microbenchmarks.
final class FloatArray {
    let p: UnsafeMutablePointer<Float>
    init(count: Int, value: Float) {
        p = .allocate(capacity: count)
        p.initialize(repeating: value, count: count)
    }
    deinit { p.deallocate() }
}

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}
