import LinearAlgebra

/// Exact k-nearest neighbours by brute force: squared distances ‖x‖² + ‖y‖² − 2x·y in blocks through
/// sgemm, a bounded heap per query. Cost O(N·Q·d); the choice for small N.
public enum ExactKNN {
    static let queryBlock = 128
    static let referenceBlock = 2048

    /// The `k` nearest rows of `data` (the point itself first) for each global row in `queries`.
    ///
    /// - Parameters: `data` holds all N rows (any `metric`; cosine rows are normalised here); `k` counts
    ///   the point itself and must be at most N; `threads` workers split the query blocks.
    public static func search(_ data: Matrix, queries: Range<Int>, k: Int, metric: NeighborMetric,
                              threads: Int = 1) -> KNNGraph {
        precondition(k >= 1 && k <= data.rows, "k = \(k) must lie in 1...\(data.rows)")
        precondition(queries.lowerBound >= 0 && queries.upperBound <= data.rows, "query rows outside the data")
        let space = metric.searchSpace(data)
        let n = space.rows, d = space.cols
        var norms = [Float](repeating: 0, count: n)
        var indices = [Int32](repeating: -1, count: queries.count * k)
        var distances = [Float](repeating: 0, count: queries.count * k)
        let blocks = (queries.count + queryBlock - 1) / queryBlock
        let workers = max(1, min(threads, blocks))
        let savedBLASThreads = BLAS.threads
        if workers > 1 { BLAS.threads = 1 }
        defer { BLAS.threads = savedBLASThreads }

        space.storage.withUnsafeBufferPointer { xBuffer in
            let x = xBuffer.baseAddress!
            norms.withUnsafeMutableBufferPointer { nb in
                for i in 0..<n {
                    var s: Float = 0
                    for j in 0..<d { s += x[i * d + j] * x[i * d + j] }
                    nb[i] = s
                }
            }
            norms.withUnsafeBufferPointer { normBuffer in
                indices.withUnsafeMutableBufferPointer { ib in
                    distances.withUnsafeMutableBufferPointer { db in
                        let norm = normBuffer.baseAddress!, outI = ib.baseAddress!, outD = db.baseAddress!
                        ComputeThreads.perform(iterations: workers) { worker in
                            let products = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * referenceBlock)
                            defer { products.deallocate() }
                            for block in stride(from: worker, to: blocks, by: workers) {
                                let q0 = queries.lowerBound + block * queryBlock
                                let q1 = min(q0 + queryBlock, queries.upperBound)
                                searchBlock(x: x, norm: norm, n: n, d: d, k: k, queries: q0..<q1,
                                            firstQuery: queries.lowerBound, products: products,
                                            outIndices: outI, outDistances: outD)
                            }
                        }
                    }
                }
            }
        }
        for r in 0..<queries.count {
            indices[r * k] = Int32(queries.lowerBound + r)
            distances[r * k] = 0
            for s in 1..<max(k, 1) { distances[r * k + s] = metric.distance(fromSquared: distances[r * k + s]) }
        }
        return KNNGraph(rows: queries, k: k, indices: indices, distances: distances)
    }

    /// Fills slots 1..<k of each query row in `queries` with its nearest other rows (squared distances).
    private static func searchBlock(x: UnsafePointer<Float>, norm: UnsafePointer<Float>, n: Int, d: Int, k: Int,
                                    queries: Range<Int>, firstQuery: Int, products: UnsafeMutablePointer<Float>,
                                    outIndices: UnsafeMutablePointer<Int32>, outDistances: UnsafeMutablePointer<Float>) {
        guard k > 1 else { return }
        let heaps = queries.map { q in
            NeighborHeap(distances: outDistances + (q - firstQuery) * k + 1,
                         indices: outIndices + (q - firstQuery) * k + 1, capacity: k - 1)
        }
        heaps.forEach { $0.reset() }
        var c0 = 0
        while c0 < n {
            let c1 = min(c0 + referenceBlock, n)
            let width = c1 - c0
            BLAS.sgemm(.none, .transposed, m: queries.count, n: width, k: d, a: x + queries.lowerBound * d, lda: d,
                       b: x + c0 * d, ldb: d, c: products, ldc: width)
            for (r, q) in queries.enumerated() {
                let heap = heaps[r]
                let row = products + r * width
                let nq = norm[q]
                var bound = heap.bound
                for c in 0..<width {
                    let squared = nq + norm[c0 + c] - 2 * row[c]
                    if squared < bound && c0 + c != q {
                        heap.pushUnchecked(max(squared, 0), Int32(c0 + c))
                        bound = heap.bound
                    }
                }
            }
            c0 = c1
        }
        heaps.forEach { $0.sortAscending() }
    }
}
