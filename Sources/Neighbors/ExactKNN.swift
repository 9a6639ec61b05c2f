import LinearAlgebra

/// Exact k-nearest neighbours by brute force: squared distances ‖x‖² + ‖y‖² − 2x·y in blocks through
/// sgemm, a bounded heap per query. Cost O(N·Q·d); the choice for small N. Two entry points share the
/// blocked search: `search` (rows of the data against the data, the point itself first) and `query`
/// (new points against a reference set).
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
        let norms = squaredNorms(space)
        var indices = [Int32](repeating: -1, count: queries.count * k)
        var distances = [Float](repeating: 0, count: queries.count * k)
        space.storage.withUnsafeBufferPointer { x in
            norms.withUnsafeBufferPointer { norm in
                blockedSearch(queries: x.baseAddress! + queries.lowerBound * space.cols,
                              queryNorms: norm.baseAddress! + queries.lowerBound, queryCount: queries.count,
                              references: x.baseAddress!, referenceNorms: norm.baseAddress!, referenceCount: space.rows,
                              d: space.cols, k: k, skipSelf: true, firstQuery: queries.lowerBound, threads: threads,
                              indices: &indices, distances: &distances)
            }
        }
        for r in 0..<queries.count {
            indices[r * k] = Int32(queries.lowerBound + r)
            distances[r * k] = 0
            for s in 1..<max(k, 1) { distances[r * k + s] = metric.distance(fromSquared: distances[r * k + s]) }
        }
        return KNNGraph(rows: queries, k: k, indices: indices, distances: distances)
    }

    /// The `k` nearest rows of `references` for each row of `queries` (queries.rows × k, row-major,
    /// nearest first): reference row numbers and distances (Euclidean, not squared; cosine 1 − cos, as
    /// `search` reports). No self-exclusion: the queries are not among the references. Each query's
    /// answer depends on that query and the references only, not on the other queries nor on `threads`
    /// (workers split the query blocks): the blocked sgemm search keeps `k + queryMargin` candidates,
    /// whose distances are then recomputed pair by pair (fixed order, no cancellation) and ranked by
    /// (distance, index) — sgemm's rounding depends on the block a query lands in and on BLAS threading.
    public static func query(_ queries: Matrix, references: Matrix, k: Int, metric: NeighborMetric,
                             threads: Int = 1) -> (indices: [Int32], distances: [Float]) {
        precondition(k >= 1 && k <= references.rows, "k = \(k) must lie in 1...\(references.rows)")
        precondition(queries.cols == references.cols,
                     "queries have \(queries.cols) columns, the references \(references.cols)")
        let querySpace = metric.searchSpace(queries), referenceSpace = metric.searchSpace(references)
        let queryNorms = squaredNorms(querySpace), referenceNorms = squaredNorms(referenceSpace)
        let m = min(k + queryMargin, references.rows), d = references.cols
        var candidates = [Int32](repeating: -1, count: queries.rows * m)
        var approximate = [Float](repeating: 0, count: queries.rows * m)
        var indices = [Int32](repeating: -1, count: queries.rows * k)
        var distances = [Float](repeating: 0, count: queries.rows * k)
        querySpace.storage.withUnsafeBufferPointer { q in
            referenceSpace.storage.withUnsafeBufferPointer { x in
                queryNorms.withUnsafeBufferPointer { qn in
                    referenceNorms.withUnsafeBufferPointer { xn in
                        blockedSearch(queries: q.baseAddress!, queryNorms: qn.baseAddress!, queryCount: queries.rows,
                                      references: x.baseAddress!, referenceNorms: xn.baseAddress!,
                                      referenceCount: references.rows, d: d, k: m, skipSelf: false,
                                      firstQuery: 0, threads: threads, indices: &candidates, distances: &approximate)
                    }
                }
                for r in 0..<queries.rows {
                    let row = q.baseAddress! + r * d
                    var ranked = candidates[r * m..<(r + 1) * m].map { c -> (Float, Int32) in
                        let other = x.baseAddress! + Int(c) * d
                        var squared: Float = 0
                        for t in 0..<d { let u = row[t] - other[t]; squared += u * u }
                        return (squared, c)
                    }
                    ranked.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                    for j in 0..<k {
                        indices[r * k + j] = ranked[j].1
                        distances[r * k + j] = metric.distance(fromSquared: ranked[j].0)
                    }
                }
            }
        }
        return (indices, distances)
    }

    /// Extra candidates `query` keeps from the blocked search before ranking by exact distances.
    static let queryMargin = 8

    /// ‖x_i‖² of every row.
    static func squaredNorms(_ space: Matrix) -> [Float] {
        let d = space.cols
        var norms = [Float](repeating: 0, count: space.rows)
        space.storage.withUnsafeBufferPointer { xBuffer in
            let x = xBuffer.baseAddress
            for i in 0..<space.rows {
                var s: Float = 0
                for j in 0..<d { s += x![i * d + j] * x![i * d + j] }
                norms[i] = s
            }
        }
        return norms
    }

    /// The blocked search both entry points share: for each of `queryCount` query rows (`queries`, their
    /// squared norms `queryNorms`), the nearest reference rows by squared distance into `indices` /
    /// `distances` (rows of `k` slots). With `skipSelf`, query r is reference row `firstQuery + r`: slot
    /// 0 is left to the caller and slots 1..<k hold the nearest others; otherwise slots 0..<k hold the
    /// k nearest. Workers (`ComputeThreads`, at most `threads`) take query blocks in turn, BLAS single
    /// threaded while they do.
    private static func blockedSearch(queries: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>, queryCount: Int,
                                      references: UnsafePointer<Float>, referenceNorms: UnsafePointer<Float>,
                                      referenceCount: Int, d: Int, k: Int, skipSelf: Bool, firstQuery: Int,
                                      threads: Int, indices: inout [Int32], distances: inout [Float]) {
        let blocks = (queryCount + queryBlock - 1) / queryBlock
        let workers = max(1, min(threads, blocks))
        let savedBLASThreads = BLAS.threads
        if workers > 1 { BLAS.threads = 1 }
        defer { BLAS.threads = savedBLASThreads }
        indices.withUnsafeMutableBufferPointer { ib in
            distances.withUnsafeMutableBufferPointer { db in
                let outI = ib.baseAddress!, outD = db.baseAddress!
                ComputeThreads.perform(iterations: workers) { worker in
                    let products = UnsafeMutablePointer<Float>.allocate(capacity: queryBlock * referenceBlock)
                    defer { products.deallocate() }
                    for block in stride(from: worker, to: blocks, by: workers) {
                        let q0 = block * queryBlock, q1 = min(q0 + queryBlock, queryCount)
                        searchBlock(queries: queries, queryNorms: queryNorms, block: q0..<q1, references: references,
                                    referenceNorms: referenceNorms, n: referenceCount, d: d, k: k, skipSelf: skipSelf,
                                    firstQuery: firstQuery, products: products, outIndices: outI, outDistances: outD)
                    }
                }
            }
        }
    }

    /// One block of query rows (local numbers `block`) against every reference row (squared distances).
    private static func searchBlock(queries: UnsafePointer<Float>, queryNorms: UnsafePointer<Float>, block: Range<Int>,
                                    references x: UnsafePointer<Float>, referenceNorms norm: UnsafePointer<Float>,
                                    n: Int, d: Int, k: Int, skipSelf: Bool, firstQuery: Int,
                                    products: UnsafeMutablePointer<Float>,
                                    outIndices: UnsafeMutablePointer<Int32>, outDistances: UnsafeMutablePointer<Float>) {
        let first = skipSelf ? 1 : 0
        guard k > first else { return }
        let heaps = block.map { r in
            NeighborHeap(distances: outDistances + r * k + first, indices: outIndices + r * k + first, capacity: k - first)
        }
        heaps.forEach { $0.reset() }
        // A reference index no row equals when there is no self to skip.
        let selfOffset = skipSelf ? firstQuery : -n - block.upperBound - 1
        var c0 = 0
        while c0 < n {
            let c1 = min(c0 + referenceBlock, n)
            let width = c1 - c0
            BLAS.sgemm(.none, .transposed, m: block.count, n: width, k: d, a: queries + block.lowerBound * d, lda: d,
                       b: x + c0 * d, ldb: d, c: products, ldc: width)
            for (s, r) in block.enumerated() {
                let heap = heaps[s]
                let row = products + s * width
                let nq = queryNorms[r]
                let q = selfOffset + r
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
