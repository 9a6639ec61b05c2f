import Randomness
import LinearAlgebra

/// The neighbour lists NN-descent improves for one rank's rows: for each row a bounded heap of
/// `capacity` other points (squared distances) with a "new" mark per entry.
struct NeighborLists {
    let rows: Range<Int>
    let capacity: Int
    var distances: [Float]
    var indices: [Int32]
    var isNew: [UInt8]

    init(rows: Range<Int>, capacity: Int) {
        self.rows = rows
        self.capacity = capacity
        distances = [Float](repeating: .infinity, count: rows.count * capacity)
        indices = [Int32](repeating: -1, count: rows.count * capacity)
        isNew = [UInt8](repeating: 0, count: rows.count * capacity)
    }

    /// Runs `body` on the heap of every own row, `threads` workers over blocks of rows; returns the
    /// sum of what `body` returns.
    mutating func forEachHeap(threads: Int, _ body: (Int, NeighborHeap) -> Int) -> Int {
        let count = rows.count, width = capacity, first = rows.lowerBound
        let blockSize = 256
        let blocks = (count + blockSize - 1) / blockSize
        let workers = max(1, min(threads, blocks))
        var totals = [Int](repeating: 0, count: workers)
        distances.withUnsafeMutableBufferPointer { db in
            indices.withUnsafeMutableBufferPointer { ib in
                isNew.withUnsafeMutableBufferPointer { fb in
                    totals.withUnsafeMutableBufferPointer { tb in
                        let d = db.baseAddress!, i = ib.baseAddress!, f = fb.baseAddress!, t = tb.baseAddress!
                        ComputeThreads.perform(iterations: workers) { worker in
                            var total = 0
                            for block in stride(from: worker, to: blocks, by: workers) {
                                for r in block * blockSize..<min((block + 1) * blockSize, count) {
                                    let heap = NeighborHeap(distances: d + r * width, indices: i + r * width,
                                                            flags: f + r * width, capacity: width)
                                    total += body(first + r, heap)
                                }
                            }
                            t[worker] = total
                        }
                    }
                }
            }
        }
        return totals.reduce(0, +)
    }

    /// Fills each list from the points sharing its leaves, then with seeded random points while short.
    mutating func seed(from forest: [RandomProjectionTree], points: PointSet, seed: UInt64, threads: Int) {
        _ = forEachHeap(threads: threads) { row, heap in
            heap.reset()
            for tree in forest {
                for q in tree.leafMembers(of: row) where Int(q) != row {
                    heap.push(points.squaredDistance(row, Int(q)), q, flag: 1)
                }
            }
            var random = SeededGenerator(seed: seed, at: 0x6669_6C6C, UInt64(row))
            var attempts = 0
            while heap.contains(-1) {
                let q = attempts < 4 * heap.capacity ? random.below(points.n) : (row + attempts) % points.n
                attempts += 1
                if q != row { heap.push(points.squaredDistance(row, q), Int32(q), flag: 1) }
            }
            return 0
        }
    }

    /// The lists for the allgather: entry j of row r, with new entries stored as −(j + 1).
    func encoded() -> [Int32] {
        var out = indices
        for s in 0..<out.count where isNew[s] != 0 { out[s] = -out[s] - 1 }
        return out
    }

    /// Clears the "new" mark of the entries that were sampled as new candidates this round.
    mutating func markSampledOld(_ candidates: CandidatePointers) {
        for r in 0..<rows.count {
            let sampled = candidates.newCandidates(of: rows.lowerBound + r)
            for s in r * capacity..<(r + 1) * capacity where isNew[s] != 0 && sampled.contains(indices[s]) {
                isNew[s] = 0
            }
        }
    }

    /// One pull-style local join: each own row i meets the candidates of its candidates (new with new
    /// and old, old with new) and its candidates themselves. Returns the number of entries changed.
    mutating func join(_ candidates: CandidatePointers, points: PointSet, threads: Int) -> Int {
        forEachHeap(threads: threads) { i, heap in
            var changed = 0
            @inline(__always) func offer(_ q: Int32) {
                guard q >= 0, Int(q) != i else { return }
                let d = points.squaredDistance(i, Int(q))
                if d < heap.bound && heap.push(d, q, flag: 1) { changed += 1 }
            }
            // Every read below is random (a candidate's lists, then its candidates' points): the lists
            // are prefetched first, and each candidate's points while the one before is joined.
            let new = candidates.newCandidates(of: i), old = candidates.oldCandidates(of: i)
            for v in new where v >= 0 { candidates.prefetchLists(of: Int(v)) }
            for v in old where v >= 0 { candidates.prefetchLists(of: Int(v), newOnly: true) }
            @inline(__always) func prefetchPoints(_ list: UnsafeBufferPointer<Int32>) {
                for q in list where q >= 0 { points.prefetch(Int(q)) }
            }
            let joined = new.count + old.count
            @inline(__always) func prefetchPointsOf(_ s: Int) {
                guard s < joined else { return }
                let v = s < new.count ? new[s] : old[s - new.count]
                guard v >= 0 else { return }
                prefetchPoints(candidates.newCandidates(of: Int(v)))
                if s < new.count { prefetchPoints(candidates.oldCandidates(of: Int(v))) }
            }
            prefetchPointsOf(0)
            for (s, v) in new.enumerated() where v >= 0 {
                prefetchPointsOf(s + 1)
                offer(v)
                for q in candidates.newCandidates(of: Int(v)) { offer(q) }
                for q in candidates.oldCandidates(of: Int(v)) { offer(q) }
            }
            for (s, v) in old.enumerated() where v >= 0 {
                prefetchPointsOf(new.count + s + 1)
                for q in candidates.newCandidates(of: Int(v)) { offer(q) }
            }
            return changed
        }
    }

    /// The finished graph: each row sorted, the point itself first.
    mutating func graph(metric: NeighborMetric) -> KNNGraph {
        _ = forEachHeap(threads: 1) { _, heap in heap.sortAscending(); return 0 }
        let k = capacity + 1
        var outIndices = [Int32](repeating: 0, count: rows.count * k)
        var outDistances = [Float](repeating: 0, count: rows.count * k)
        for r in 0..<rows.count {
            outIndices[r * k] = Int32(rows.lowerBound + r)
            for s in 0..<capacity {
                outIndices[r * k + 1 + s] = indices[r * capacity + s]
                outDistances[r * k + 1 + s] = metric.distance(fromSquared: distances[r * capacity + s])
            }
        }
        return KNNGraph(rows: rows, k: k, indices: outIndices, distances: outDistances)
    }
}
