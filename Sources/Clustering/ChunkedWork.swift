import Dispatch

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
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            var c = worker
            while c < chunks {
                body(c, c * chunkSize..<min(count, (c + 1) * chunkSize))
                c += threads
            }
        }
    }
}

/// How many threads the clustering kernels use.
public enum ProcessorCount {
    /// Threads per rank for the clustering kernels: the machine's cores unless the caller sets it (the
    /// pipeline sets it to the BLAS threads per rank, so ranks sharing a machine share its cores).
    nonisolated(unsafe) public static var workers: Int = max(1, sysconfCores())

    private static func sysconfCores() -> Int {
        #if canImport(Glibc)
        return Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }
}
#if canImport(Glibc)
import Glibc
#endif
