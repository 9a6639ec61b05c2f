import Synchronization

/// The parallel loop of n2d-mpi's kernels: `count` items cut into chunks whose bounds depend only on
/// `count` and the chunk size, run on at most `threads` threads (`ComputeThreads.perform`: the
/// calling thread and Dispatch's workers, subnormals flushed). Per-chunk results merged in chunk
/// order are therefore the same for any thread count. The thread budget is always the caller's:
/// a stage passes down what it was given (the BLAS threads per rank).
public enum ParallelFor {
    /// Items per chunk when the caller has no better size.
    public static let defaultChunkSize = 4096

    /// The number of chunks `count` items make.
    public static func chunkCount(_ count: Int, chunkSize: Int = defaultChunkSize) -> Int {
        (count + chunkSize - 1) / chunkSize
    }

    /// Runs `body(chunk, items)` for every chunk; chunk `c` holds items `c·chunkSize ..< (c+1)·chunkSize`.
    public static func chunks(count: Int, chunkSize: Int = defaultChunkSize, threads: Int,
                              _ body: (_ chunk: Int, _ items: Range<Int>) -> Void) {
        let chunks = chunkCount(count, chunkSize: chunkSize)
        guard chunks > 0 else { return }
        let workers = max(1, min(threads, chunks))
        ComputeThreads.perform(iterations: workers) { worker in
            var c = worker
            while c < chunks {
                body(c, c * chunkSize..<min(count, (c + 1) * chunkSize))
                c += workers
            }
        }
    }

    /// Like `chunks`, but each chunk goes to whichever worker is free next (a worker slowed by other
    /// load takes fewer), and each worker makes one `State` with `makeState` and hands it to every
    /// chunk it runs: for work whose items' results depend neither on one another nor on the worker
    /// or state that computes them, so that any schedule gives the same bits.
    public static func claimed<State>(count: Int, chunkSize: Int = defaultChunkSize, threads: Int,
                                      state makeState: () -> State,
                                      _ body: (_ state: inout State, _ items: Range<Int>) -> Void) {
        let chunks = chunkCount(count, chunkSize: chunkSize)
        guard chunks > 0 else { return }
        let next = Atomic<Int>(0)
        ComputeThreads.perform(iterations: max(1, min(threads, chunks))) { _ in
            var state = makeState()
            while true {
                let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard c < chunks else { break }
                body(&state, c * chunkSize..<min(count, (c + 1) * chunkSize))
            }
        }
    }

    /// Like `chunks`, each chunk adding into a zeroed partial of `width` doubles of its own
    /// (`body(items, partial)`); returns the partials summed in chunk order.
    public static func sum(count: Int, chunkSize: Int = defaultChunkSize, width: Int, threads: Int,
                           _ body: (_ items: Range<Int>, _ partial: UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let chunks = chunkCount(count, chunkSize: chunkSize)
        var partials = [Double](repeating: 0, count: chunks * width)
        partials.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            self.chunks(count: count, chunkSize: chunkSize, threads: threads) { chunk, items in body(items, base! + chunk * width) }
        }
        var total = [Double](repeating: 0, count: width)
        for chunk in 0..<chunks { for t in 0..<width { total[t] += partials[chunk * width + t] } }
        return total
    }

    /// Element-wise work (each item's result its own): one contiguous share per thread, bounds on
    /// multiples of `granule` (so vector loops see whole vectors); small counts stay on the caller.
    public static func shares(count: Int, threads: Int, granule: Int = 16, _ body: (Range<Int>) -> Void) {
        let workers = max(1, min(threads, count / max(granule * 64, 1)))
        let share = (count / workers + granule - 1) / granule * granule
        chunks(count: count, chunkSize: max(share, 1), threads: workers) { _, items in body(items) }
    }
}
