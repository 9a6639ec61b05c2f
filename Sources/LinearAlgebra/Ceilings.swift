import CKernels
import Dispatch

/// What this machine's arithmetic and memory can do: the ceilings a kernel's speed is judged by.
public struct Ceilings: Sendable {
    /// OpenBLAS sgemm on square matrices, at the BLAS thread count in force.
    public var sgemmGFLOPS: Double
    /// The multiply-add peak of the CPU's widest vectors (one core's, measured, times `threads`): what
    /// the best sgemm kernel approaches.
    public var peakGFLOPS: Double
    /// The vector width (floats) that peak was measured with.
    public var vectorWidth: Int
    /// A memory triad `z = x + 3y` over 3 × `triadFloats` floats, far beyond the caches.
    public var triadGBPerSecond: Double

    /// Measures the three over `threads` threads, each the fastest of `repeats` runs; `size` is the
    /// sgemm's order.
    public static func measure(threads: Int, size n: Int = 1536, triadFloats: Int = 16 << 20, repeats: Int = 5) -> Ceilings {
        // OpenBLAS's idle pool threads spin for a while after a call and would share the cores with the
        // loops below: stop the pool (the sgemm at the end starts it again).
        ComputeThreads.prepareProcess()
        // One core's multiply-add peak times the threads: the cores are alike, and a concurrent
        // measurement would only see how Dispatch happened to place its workers.
        let rounds = 4_000_000
        var width: Int32 = 0
        let flops = ck_multiply_add_peak(rounds, &width)  // also a warm-up
        let peak = fastest((0..<repeats).map { _ in seconds { _ = ck_multiply_add_peak(rounds, &width) } })

        let count = triadFloats
        let x = UnsafeMutablePointer<Float>.allocate(capacity: count), y = UnsafeMutablePointer<Float>.allocate(capacity: count),
            z = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { [x, y, z].forEach { $0.deallocate() } }
        x.initialize(repeating: 1, count: count)
        y.initialize(repeating: 2, count: count)
        z.initialize(repeating: 0, count: count)
        let triad = fastest((0..<repeats).map { _ in
            seconds {
                let per = count / threads
                ComputeThreads.perform(iterations: threads) { t in
                    for i in t * per..<(t == threads - 1 ? count : (t + 1) * per) { z[i] = x[i] + 3 * y[i] }
                }
            }
        })
        let saved = BLAS.threads
        BLAS.threads = threads
        defer { BLAS.threads = saved }
        let a = UnsafeMutablePointer<Float>.allocate(capacity: n * n), b = UnsafeMutablePointer<Float>.allocate(capacity: n * n),
            c = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { [a, b, c].forEach { $0.deallocate() } }
        a.initialize(repeating: 0.5, count: n * n)
        b.initialize(repeating: 0.25, count: n * n)
        c.initialize(repeating: 0, count: n * n)
        BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n)  // starts the pool
        let gemm = fastest((0..<repeats).map { _ in
            seconds { BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a, lda: n, b: b, ldb: n, c: c, ldc: n) }
        })

        return Ceilings(sgemmGFLOPS: 2 * Double(n * n * n) / gemm * 1e-9, peakGFLOPS: Double(threads) * flops / peak * 1e-9,
                        vectorWidth: Int(width), triadGBPerSecond: 12 * Double(count) / triad * 1e-9)
    }

    /// sgemm's share of the multiply-add peak.
    public var sgemmShareOfPeak: Double { peakGFLOPS > 0 ? sgemmGFLOPS / peakGFLOPS : 0 }
}

private func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
}

/// A ceiling is what the machine reaches: the fastest of the repeats (a slower one met a neighbour).
private func fastest(_ values: [Double]) -> Double { values.min() ?? 0 }
