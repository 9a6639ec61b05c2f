import COpenBLAS
import CSystem
import Dispatch

/// The threads that compute, and the floating-point mode they compute in.
///
/// Every computing thread flushes subnormal numbers to zero (FTZ) and reads subnormal operands as
/// zero (DAZ), as TensorFlow's and XLA's compute threads do: x86 cores take about a hundred times
/// longer on subnormal operands, and the Adam moments of parameters whose gradient stays zero decay
/// into that range. Results differ from strict IEEE arithmetic only for magnitudes below 1.2e-38.
/// `prepareProcess()` sets the mode for the main thread and OpenBLAS's pool; `perform` sets it in
/// every worker, so all parallel work of the project goes through `perform`.
public enum ComputeThreads {
    /// Sets the calling thread's mode.
    @inline(__always)
    public static func flushSubnormals() { csys_flush_subnormals() }

    /// Returns the calling thread to IEEE subnormal arithmetic (for tests of the mode).
    public static func keepSubnormals() { csys_keep_subnormals() }

    /// Whether the calling thread flushes subnormals.
    public static var flushesSubnormals: Bool { csys_subnormals_flushed() != 0 }

    /// Sets the mode on the calling (main) thread and restarts OpenBLAS's thread pool from it, so that
    /// its threads inherit the mode: OpenBLAS starts them in a load-time constructor, before `main`,
    /// and a thread's floating-point mode is copied from the thread that creates it. OpenBLAS restarts
    /// the pool by itself at the next threaded call (the mechanism it uses after `fork`).
    public static func prepareProcess() {
        flushSubnormals()
        restartBLASPool()
    }

    /// Stops OpenBLAS's pool; the next threaded BLAS call starts it from that caller, whose mode its
    /// threads then inherit.
    public static func restartBLASPool() { blas_thread_shutdown_() }

    /// Runs `body(0..<iterations)` concurrently on the calling thread and Dispatch's workers (as
    /// `DispatchQueue.concurrentPerform`), each iteration in the flushing mode (which the calling
    /// thread keeps afterwards).
    public static func perform(iterations: Int, _ body: (Int) -> Void) {
        if iterations == 1 {
            flushSubnormals()
            return body(0)
        }
        DispatchQueue.concurrentPerform(iterations: iterations) { i in
            flushSubnormals()
            body(i)
        }
    }
}

extension ComputeThreads {
    /// Where subnormals are flushed now: on the calling thread, in `perform`'s workers, and in every
    /// thread sgemm runs on at the BLAS thread count in force (a product of subnormal operands must
    /// come out zero, which it does only if each thread computing it reads them as zero).
    public struct FlushingCheck: Equatable, Sendable {
        public var callingThread: Bool
        public var workers: Bool
        public var blasThreads: Bool
        public var all: Bool { callingThread && workers && blasThreads }
    }

    public static func checkFlushing(workers: Int = 2) -> FlushingCheck {
        let calling = flushesSubnormals
        // BLAS first: `perform` below sets the mode on the calling thread, which takes part in sgemm.
        // 2⁻¹³⁰ is subnormal in Float; times 1e10 it would be about 7e-30, a normal number, unless read as zero.
        let n = 256
        let a = [Float](repeating: Float(sign: .plus, exponent: -130, significand: 1), count: n * n), b = [Float](repeating: 1e10, count: n * n)
        var c = [Float](repeating: 1, count: n * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    BLAS.sgemm(.none, .none, m: n, n: n, k: n, a: a.baseAddress!, lda: n, b: b.baseAddress!, ldb: n,
                               c: c.baseAddress!, ldc: n)
                }
            }
        }
        let flags = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(workers, 1))
        defer { flags.deallocate() }
        flags.initialize(repeating: false)
        perform(iterations: max(workers, 1)) { flags[$0] = flushesSubnormals }
        return FlushingCheck(callingThread: calling, workers: flags.allSatisfy { $0 }, blasThreads: c.allSatisfy { $0 == 0 })
    }
}
