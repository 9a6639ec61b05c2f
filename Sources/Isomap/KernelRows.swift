#if canImport(Glibc)
import Glibc
#endif
import CKernels
import LinearAlgebra

/// This rank's rows of exact Isomap's N × N matrices, in one buffer that changes type once: first
/// `rows × columns` doubles (the squared geodesic distances the paths write), then, after
/// `centre`, as many floats (the double-centred kernel −½(D² − means), rounded once), with the
/// buffer's second half handed back to the system. The Lanczos products read half the bytes, and
/// sum them in double (`product`).
final class KernelRows {
    let rows: Int
    let columns: Int
    private var buffer: UnsafeMutableRawPointer
    private(set) var isCentred = false

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        let bytes = max(rows * columns, 1) * MemoryLayout<Double>.size
        guard let memory = malloc(bytes) else { fatalError("Isomap: cannot allocate \(bytes) bytes for the distance rows") }
        memory.bindMemory(to: Double.self, capacity: max(rows * columns, 1))
        buffer = memory
    }

    deinit { free(buffer) }

    /// The squared distances, row after row (before `centre`).
    var distances: UnsafeMutablePointer<Double> {
        precondition(!isCentred, "the distance rows were already centred")
        return buffer.assumingMemoryBound(to: Double.self)
    }

    /// Turns row r's D² into the kernel row −½(D²[r, j] − rowMean − columnMeans[j] + grandMean),
    /// rounded to float, in place. Row r's floats go to bytes of rows r/2 ..< (r + 1)/2 and of its
    /// own doubles, so rows run in batches [1, 2), [2, 4), [4, 8), …, after row 0: a batch overwrites
    /// only rows of earlier batches, and its rows run in parallel. Each row's doubles are copied out
    /// first (byte copies, so that no memory is read as one type while another is stored in it).
    /// Returns the squared Frobenius norm of the float kernel, summed in double in a fixed order:
    /// what the eigenvalues found in that kernel are compared with, so that the reconstruction error
    /// does not mix two roundings.
    func centre(columnMeans: [Double], grandMean: Double, threads: Int) -> Double {
        precondition(!isCentred, "the distance rows were already centred")
        let n = columns, base = buffer
        var squares = 0.0
        columnMeans.withUnsafeBufferPointer { means in
            var start = 0
            while start < rows {
                let end = start == 0 ? 1 : min(rows, 2 * start)
                squares += ParallelFor.sum(count: end - start, chunkSize: 16, width: 1, threads: threads) { items, partial in
                    let row = UnsafeMutablePointer<Double>.allocate(capacity: max(n, 1))
                    let out = UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1))
                    defer { row.deallocate(); out.deallocate() }
                    for r in items.lowerBound + start..<items.upperBound + start {
                        UnsafeMutableRawPointer(row).copyMemory(from: base + r * n * MemoryLayout<Double>.size,
                                                                byteCount: n * MemoryLayout<Double>.size)
                        var rowSum = 0.0
                        for j in 0..<n { rowSum += row[j] }
                        let rowShift = grandMean - rowSum / Double(n)
                        var s = 0.0
                        for j in 0..<n {
                            let v = Float(-0.5 * (row[j] - means[j] + rowShift))
                            out[j] = v
                            s += Double(v) * Double(v)
                        }
                        partial[0] += s
                        (base + r * n * MemoryLayout<Float>.size).copyMemory(from: out, byteCount: n * MemoryLayout<Float>.size)
                    }
                }[0]
                start = end
            }
        }
        if let smaller = realloc(buffer, max(rows * n, 1) * MemoryLayout<Float>.size) { buffer = smaller }
        buffer.bindMemory(to: Float.self, capacity: max(rows * n, 1))
        isCentred = true
        return squares
    }

    /// y[r] = Σ_j K[r, j]·x[j] for this rank's rows, in double (`ck_dot_float_double`: 32 partial
    /// sums in a fixed order, the same bits for any thread count or vector width).
    func product(_ x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>, threads: Int) {
        precondition(isCentred, "the kernel is not centred yet")
        let n = columns, kernel = UnsafePointer(buffer.assumingMemoryBound(to: Float.self))
        ParallelFor.chunks(count: rows, chunkSize: 16, threads: threads) { _, items in
            for r in items { y[r] = ck_dot_float_double(kernel + r * n, x, n) }
        }
    }
}
