import Randomness
import LinearAlgebra

/// NN-descent's sampled candidates for every vertex of the graph: up to `capacity` new and `capacity`
/// old ones, drawn from its forward and reverse neighbours by a seeded hash priority, so every rank
/// samples the same lists.
struct CandidateLists {
    let capacity: Int
    private var newLists: [Int32]
    private var oldLists: [Int32]

    /// Samples from the allgathered graph (`rows × width`, new entries encoded as −(j + 1)).
    init(encodedGraph graph: [Int32], rows: Int, width: Int, capacity: Int, seed: UInt64, round: Int, threads: Int) {
        self.capacity = capacity
        var newIndices = [Int32](repeating: -1, count: rows * capacity)
        var oldIndices = [Int32](repeating: -1, count: rows * capacity)
        var newPriority = [Float](repeating: .infinity, count: rows * capacity)
        var oldPriority = [Float](repeating: .infinity, count: rows * capacity)
        let base = SeededGenerator.mix(seed ^ (UInt64(round) &+ 0x6361_6E64))
        let workers = max(1, min(threads, rows))
        graph.withUnsafeBufferPointer { g in
            newIndices.withUnsafeMutableBufferPointer { ni in
                oldIndices.withUnsafeMutableBufferPointer { oi in
                    newPriority.withUnsafeMutableBufferPointer { np in
                        oldPriority.withUnsafeMutableBufferPointer { op in
                            let graph = g.baseAddress!
                            ComputeThreads.perform(iterations: workers) { worker in
                                // Each worker fills the lists of its own vertex range, scanning every edge.
                                let mine = (rows * worker / workers)..<(rows * (worker + 1) / workers)
                                func heap(_ vertex: Int, new: Bool) -> NeighborHeap {
                                    new ? NeighborHeap(distances: np.baseAddress! + vertex * capacity,
                                                       indices: ni.baseAddress! + vertex * capacity, capacity: capacity)
                                        : NeighborHeap(distances: op.baseAddress! + vertex * capacity,
                                                       indices: oi.baseAddress! + vertex * capacity, capacity: capacity)
                                }
                                for u in 0..<rows {
                                    for s in 0..<width {
                                        let entry = graph[u * width + s]
                                        let isNew = entry < 0
                                        let v = isNew ? -Int(entry) - 1 : Int(entry)
                                        if mine.contains(u) {
                                            heap(u, new: isNew).push(CandidateLists.priority(base, u, v), Int32(v))
                                        }
                                        if mine.contains(v) {
                                            heap(v, new: isNew).push(CandidateLists.priority(base, v, u), Int32(u))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        newLists = newIndices
        oldLists = oldIndices
    }

    @inline(__always) static func priority(_ base: UInt64, _ from: Int, _ to: Int) -> Float {
        Float(SeededGenerator.mix(base ^ (UInt64(from) << 32 | UInt64(to))) >> 40)
    }

    /// Runs `body` with raw access to the lists (no reference counting in hot loops).
    func withPointers<R>(_ body: (CandidatePointers) -> R) -> R {
        newLists.withUnsafeBufferPointer { n in
            oldLists.withUnsafeBufferPointer { o in
                body(CandidatePointers(new: n.baseAddress!, old: o.baseAddress!, capacity: capacity))
            }
        }
    }
}

/// Raw, read-only view of `CandidateLists`, valid inside `withPointers`.
struct CandidatePointers {
    let new: UnsafePointer<Int32>
    let old: UnsafePointer<Int32>
    let capacity: Int

    /// The new candidates of `vertex` (−1 marks an empty slot).
    @inline(__always) func newCandidates(of vertex: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: new + vertex * capacity, count: capacity)
    }

    /// Hints the cache for the candidate lists of `vertex` (its new ones only with `newOnly`).
    @inline(__always) func prefetchLists(of vertex: Int, newOnly: Bool = false) {
        Prefetch.span(new + vertex * capacity, count: capacity)
        if !newOnly { Prefetch.span(old + vertex * capacity, count: capacity) }
    }

    /// The old candidates of `vertex` (−1 marks an empty slot).
    @inline(__always) func oldCandidates(of vertex: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: old + vertex * capacity, count: capacity)
    }
}
