import LinearAlgebra
import Collectives

/// Splits `count` rows into fixed-size chunks and runs `body(chunk, rows)` for each, on up to
/// `workers` threads. Chunk boundaries depend only on `count` and `chunkSize`, so per-chunk partial
/// results merged in chunk order are the same whatever the thread count.
enum ChunkedWork {
    static let defaultChunkSize = 4096

    static func chunkCount(_ count: Int, chunkSize: Int = defaultChunkSize) -> Int {
        (count + chunkSize - 1) / chunkSize
    }

    static func run(count: Int, chunkSize: Int = defaultChunkSize, workers: Int = ProcessorCount.workers,
                    _ body: (_ chunk: Int, _ rows: Range<Int>) -> Void) {
        let chunks = chunkCount(count, chunkSize: chunkSize)
        guard chunks > 0 else { return }
        let threads = max(1, min(workers, chunks))
        if threads == 1 {
            for c in 0..<chunks { body(c, c * chunkSize..<min(count, (c + 1) * chunkSize)) }
            return
        }
        ComputeThreads.perform(iterations: threads) { worker in
            var c = worker
            while c < chunks {
                body(c, c * chunkSize..<min(count, (c + 1) * chunkSize))
                c += threads
            }
        }
    }

    /// Like `run`, with each chunk adding into a zeroed partial of `width` doubles of its own
    /// (`body(rows, partial)`); returns the partials summed in chunk order, so the result is the same
    /// whatever the thread count.
    static func sum(count: Int, width: Int, _ body: (_ rows: Range<Int>, _ partial: UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let chunks = chunkCount(count)
        var partials = [Double](repeating: 0, count: chunks * width)
        partials.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            run(count: count) { chunk, rows in body(rows, base! + chunk * width) }
        }
        var total = [Double](repeating: 0, count: width)
        for chunk in 0..<chunks { for t in 0..<width { total[t] += partials[chunk * width + t] } }
        return total
    }
}

/// How many threads the clustering kernels use.
public enum ProcessorCount {
    /// Threads per rank for the clustering kernels: the machine's cores unless the caller sets it (the
    /// pipeline sets it to the BLAS threads per rank, so ranks sharing a machine share its cores).
    nonisolated(unsafe) public static var workers: Int = World.machineCores
}
