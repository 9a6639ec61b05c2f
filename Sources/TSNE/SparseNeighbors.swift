import LinearAlgebra

/// Exact k nearest neighbours of sparse rows (CSR) by squared Euclidean distance, without densifying:
/// d²(i, j) = ‖x_i‖² + ‖x_j‖² − 2·x_i·x_j, the dot products of a query with every row accumulated
/// through the column index (CSC) of the data, in Double. Cost per query: the lengths of the columns
/// its non-zeros hit, plus N for the selection. Ties go to the lower row number.
public enum SparseNeighbors {
    /// For the global rows `queries`: `k` neighbours each (the point itself left out), nearest first,
    /// as (indices, squared distances), `queries.count × k` entries.
    public static func search(_ data: CSRMatrix, queries: Range<Int>, k: Int, threads: Int = 1) -> (indices: [Int32], squaredDistances: [Float]) {
        let n = data.rows
        precondition(k >= 1 && k < n, "k = \(k) must lie in 1..<\(n)")
        let columns = ColumnIndex(data)
        var norms = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for e in data.rowPointers[i]..<data.rowPointers[i + 1] { let v = Double(data.values[e]); s += v * v }
            norms[i] = s
        }
        var indices = [Int32](repeating: -1, count: queries.count * k)
        var distances = [Float](repeating: 0, count: queries.count * k)
        let chunk = 64
        let chunks = (queries.count + chunk - 1) / chunk
        let workers = max(1, min(threads, chunks))
        indices.withUnsafeMutableBufferPointer { ib in
            distances.withUnsafeMutableBufferPointer { db in
                let outI = ib.baseAddress!, outD = db.baseAddress!
                ComputeThreads.perform(iterations: workers) { w in
                    var dots = [Double](repeating: 0, count: n)
                    var heap = BoundedHeap(capacity: k)
                    var c = w
                    while c < chunks {
                        for q in queries.lowerBound + c * chunk..<min(queries.upperBound, queries.lowerBound + (c + 1) * chunk) {
                            for e in data.rowPointers[q]..<data.rowPointers[q + 1] {
                                let v = Double(data.values[e])
                                let col = Int(data.columnIndices[e])
                                for t in columns.pointers[col]..<columns.pointers[col + 1] {
                                    dots[Int(columns.rows[t])] += v * columns.values[t]
                                }
                            }
                            heap.reset()
                            let nq = norms[q]
                            for j in 0..<n where j != q {
                                heap.offer(max(0, nq + norms[j] - 2 * dots[j]), j)
                            }
                            // Clear only what the query touched.
                            for e in data.rowPointers[q]..<data.rowPointers[q + 1] {
                                let col = Int(data.columnIndices[e])
                                for t in columns.pointers[col]..<columns.pointers[col + 1] { dots[Int(columns.rows[t])] = 0 }
                            }
                            let base = (q - queries.lowerBound) * k
                            for (s, (d, j)) in heap.sorted().enumerated() {
                                outI[base + s] = Int32(j)
                                outD[base + s] = Float(d)
                            }
                        }
                        c += workers
                    }
                }
            }
        }
        return (indices, distances)
    }

    /// The transpose's structure: the rows holding each column's non-zeros, with their values.
    struct ColumnIndex {
        var pointers: [Int]
        var rows: [Int32]
        var values: [Double]

        init(_ m: CSRMatrix) {
            var counts = [Int](repeating: 0, count: m.cols + 1)
            for c in m.columnIndices { counts[Int(c) + 1] += 1 }
            for c in 0..<m.cols { counts[c + 1] += counts[c] }
            pointers = counts
            var next = counts
            rows = [Int32](repeating: 0, count: m.values.count)
            values = [Double](repeating: 0, count: m.values.count)
            for i in 0..<m.rows {
                for e in m.rowPointers[i]..<m.rowPointers[i + 1] {
                    let c = Int(m.columnIndices[e])
                    rows[next[c]] = Int32(i)
                    values[next[c]] = Double(m.values[e])
                    next[c] += 1
                }
            }
        }
    }
}

/// The `capacity` smallest (distance, index) pairs seen, as a max-heap; ties by index.
struct BoundedHeap {
    let capacity: Int
    private(set) var items: [(Double, Int)] = []

    init(capacity: Int) {
        self.capacity = capacity
        items.reserveCapacity(capacity)
    }

    mutating func reset() { items.removeAll(keepingCapacity: true) }

    @inline(__always) static func worse(_ a: (Double, Int), _ b: (Double, Int)) -> Bool {
        a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
    }

    mutating func offer(_ d: Double, _ j: Int) {
        if items.count < capacity {
            items.append((d, j))
            var c = items.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard Self.worse(items[c], items[p]) else { break }
                items.swapAt(c, p)
                c = p
            }
            return
        }
        guard Self.worse(items[0], (d, j)) else { return }
        items[0] = (d, j)
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var m = p
            if l < items.count, Self.worse(items[l], items[m]) { m = l }
            if r < items.count, Self.worse(items[r], items[m]) { m = r }
            if m == p { break }
            items.swapAt(p, m)
            p = m
        }
    }

    /// Nearest first.
    func sorted() -> [(Double, Int)] { items.sorted { Self.worse($1, $0) } }
}
