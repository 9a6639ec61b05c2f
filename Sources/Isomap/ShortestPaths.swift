import CKernels
import LinearAlgebra
import Randomness

/// The graph Dijkstra walks: a `NeighborhoodGraph` renumbered in breadth-first order, so that a
/// node's neighbours, their adjacency lists and their distances lie near each other in memory, with
/// 32-bit offsets and targets. The edge lengths are the graph's doubles, unchanged.
struct PathGraph: Sendable {
    let count: Int
    /// `order[p]`: the original index of node p; `position[i]`: the node of original index i.
    let order: [Int32]
    let position: [Int32]
    /// Node p's neighbours (renumbered) are `targets[offsets[p] ..< offsets[p + 1]]`.
    let offsets: [Int32]
    let targets: [Int32]
    let weights: [Double]

    init(_ graph: NeighborhoodGraph) {
        let n = graph.count
        precondition(graph.targets.count < Int(Int32.max), "\(graph.targets.count) edges do not fit 32-bit offsets")
        count = n
        var order = [Int32](), position = [Int32](repeating: -1, count: n)
        order.reserveCapacity(n)
        for root in 0..<n where position[root] < 0 {
            position[root] = Int32(order.count)
            order.append(Int32(root))
            var head = order.count - 1
            while head < order.count {
                let u = Int(order[head])
                head += 1
                for e in graph.offsets[u]..<graph.offsets[u + 1] {
                    let v = Int(graph.targets[e])
                    if position[v] < 0 { position[v] = Int32(order.count); order.append(Int32(v)) }
                }
            }
        }
        var offsets = [Int32](repeating: 0, count: n + 1)
        var targets = [Int32](), weights = [Double]()
        targets.reserveCapacity(graph.targets.count)
        weights.reserveCapacity(graph.weights.count)
        for p in 0..<n {
            let u = Int(order[p])
            for e in graph.offsets[u]..<graph.offsets[u + 1] {
                targets.append(position[Int(graph.targets[e])])
                weights.append(graph.weights[e])
            }
            offsets[p + 1] = Int32(targets.count)
        }
        self.order = order
        self.position = position
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
    }

    /// Squared geodesic distances from original row `sources[r]` into row r of `rows` (`count`
    /// doubles each, original order), on `threads` threads, one `Dijkstra` per thread, 8 sources
    /// handed out at a time to the thread free next.
    ///
    /// The sources run in `SourceRounds`: a source of round k reads the finished rows of rounds
    /// before k where its search settles their nodes (`KnownRows`), so later rounds settle only
    /// what those rows do not already give. A source's rounds depend only on the set of sources,
    /// so neither the thread count, the schedule nor the order of `sources` changes a bit.
    func squaredDistances(from sources: [Int], into rows: UnsafeMutablePointer<Double>, threads: Int) {
        let n = count
        let rounds = SourceRounds(sources: sources)
        var rowOfNode = [Int32](repeating: -1, count: n), roundOfNode = [Int32](repeating: .max, count: n)
        for (k, round) in rounds.members.enumerated() {
            for r in round {
                let p = Int(position[sources[r]])
                if rowOfNode[p] < 0 { rowOfNode[p] = Int32(r); roundOfNode[p] = Int32(k) }
            }
        }
        for (k, round) in rounds.members.enumerated() {
            let known = KnownRows(base: rows, width: n, rowOfNode: rowOfNode, roundOfNode: roundOfNode, round: Int32(k))
            ParallelFor.claimed(count: round.count, chunkSize: 8, threads: threads, state: { Dijkstra(graph: self) }) { dijkstra, items in
                for i in items { dijkstra.distances(from: sources[round[i]], known: known, into: rows + round[i] * n) }
            }
        }
        // The rows are in breadth-first order and unsquared until every round is done.
        ParallelFor.claimed(count: sources.count, chunkSize: 8, threads: threads, state: { [Double](repeating: 0, count: n) }) { scratch, items in
            scratch.withUnsafeMutableBufferPointer { copy in
                for r in items {
                    copy.baseAddress!.update(from: rows + r * n, count: n)
                    squaredInOriginalOrder(copy.baseAddress!, into: rows + r * n)
                }
            }
        }
    }

    /// `out[order[p]] = distances[p]²` for every node p: a row of this graph's distances (breadth-
    /// first order) as the caller's squared row.
    func squaredInOriginalOrder(_ distances: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        order.withUnsafeBufferPointer { order in
            for p in 0..<count { out[Int(order[p])] = distances[p] * distances[p] }
        }
    }
}

/// The order in which `PathGraph.squaredDistances` runs its sources: shuffled by a fixed hash of
/// their row indices (so the finished rows of early rounds lie all over the graph), then cut into at
/// most 64 rounds of at least 32 sources. Round k's sources read the rows of rounds 0 ..< k.
struct SourceRounds {
    /// `members[k]`: the indices into `sources` that make round k.
    let members: [[Int]]

    init(sources: [Int]) {
        let shuffled = sources.indices.sorted { a, b in
            let (ha, hb) = (Self.hash(sources[a]), Self.hash(sources[b]))
            return ha != hb ? ha < hb : a < b
        }
        let roundCount = max(1, min(64, sources.count / 32))
        members = (0..<roundCount).map { k in
            Array(shuffled[k * shuffled.count / roundCount..<(k + 1) * shuffled.count / roundCount])
        }
    }

    /// A fixed bijection of row indices that scatters nearby ones (SplitMix64's finaliser).
    static func hash(_ row: Int) -> UInt64 { SeededGenerator.mix(UInt64(row) &+ 0x9E37_79B9_7F4A_7C15) }
}

/// Finished rows of distances a `Dijkstra` may read: node p's row (breadth-first order, unsquared)
/// is at `base + rowOfNode[p] · width` when `roundOfNode[p] < round`.
struct KnownRows: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let width: Int
    let rowOfNode: [Int32]
    let roundOfNode: [Int32]
    let round: Int32
}

/// A monotone priority queue of (key, node) for Dijkstra: a radix heap (Ahuja, Mehlhorn, Orlin and
/// Tarjan, 1990) over the bit patterns of non-negative doubles, which order as the doubles do.
/// Every key pushed must be at least the last key popped, as Dijkstra's are. Bucket 0 holds the keys
/// equal to the last popped; bucket b ≥ 1 those whose highest bit differing from it is bit b − 1.
/// A pop empties bucket 0 first; when it is empty, the lowest non-empty bucket's minimum becomes the
/// new reference and that bucket is redistributed into lower ones. Keys equal to one another come
/// out in no particular order.
public final class RadixQueue {
    private static let bucketCount = 65
    private let entries: UnsafeMutablePointer<UnsafeMutablePointer<Entry>>
    private let counts: UnsafeMutablePointer<Int>
    private let capacities: UnsafeMutablePointer<Int>
    private var last: UInt64 = 0
    public private(set) var count = 0

    struct Entry {
        var key: UInt64
        var node: Int32
    }

    public init() {
        entries = .allocate(capacity: Self.bucketCount)
        counts = .allocate(capacity: Self.bucketCount)
        capacities = .allocate(capacity: Self.bucketCount)
        for b in 0..<Self.bucketCount {
            capacities[b] = 64
            counts[b] = 0
            entries[b] = .allocate(capacity: 64)
        }
    }

    deinit {
        for b in 0..<Self.bucketCount { entries[b].deallocate() }
        entries.deallocate()
        counts.deallocate()
        capacities.deallocate()
    }

    /// Empties the queue; the next keys may start again from 0.
    public func removeAll() {
        for b in 0..<Self.bucketCount { counts[b] = 0 }
        last = 0
        count = 0
    }

    @inline(__always)
    private func bucket(_ key: UInt64) -> Int { key == last ? 0 : 64 - (key ^ last).leadingZeroBitCount }

    @inline(__always)
    private func append(_ entry: Entry, to b: Int) {
        if counts[b] == capacities[b] {
            let bigger = capacities[b] * 2
            let grown = UnsafeMutablePointer<Entry>.allocate(capacity: bigger)
            grown.moveInitialize(from: entries[b], count: counts[b])
            entries[b].deallocate()
            entries[b] = grown
            capacities[b] = bigger
        }
        entries[b][counts[b]] = entry
        counts[b] += 1
    }

    /// Adds `node` with the non-negative `key` (at least the last key popped).
    @inline(__always)
    public func push(_ key: Double, _ node: Int32) {
        let bits = key.bitPattern
        precondition(bits >= last, "radix queue: key \(key) below the last popped")
        append(Entry(key: bits, node: node), to: bucket(bits))
        count += 1
    }

    /// Removes and returns an entry of the smallest key; the queue must not be empty.
    @inline(__always)
    public func pop() -> (key: Double, node: Int32) {
        if counts[0] == 0 {
            var b = 1
            while counts[b] == 0 { b += 1 }
            let source = entries[b], n = counts[b]
            var smallest = source[0].key
            for i in 1..<n where source[i].key < smallest { smallest = source[i].key }
            last = smallest
            counts[b] = 0
            for i in 0..<n { append(source[i], to: bucket(source[i].key)) }
        }
        counts[0] -= 1
        count -= 1
        let entry = entries[0][counts[0]]
        return (Double(bitPattern: entry.key), entry.node)
    }
}

/// Dijkstra's shortest paths from one source at a time over a `PathGraph`, with a `RadixQueue`
/// (lazy deletion: an entry whose key is no longer its node's distance is skipped) and a node's edges
/// relaxed by `ck_relax` (its targets' distances gathered 8 or 4 at a time). One per thread;
/// it keeps its distance row and queue between sources.
///
/// With `KnownRows`, a settled neighbour u of the source whose row D(u, ·) is finished is not
/// relaxed: every distance is lowered to (d(u) + D(u, t))·(1 − 2⁻⁴⁴) at once (`ck_lower_through`).
/// That is exact for every t whose shortest path leaves the source through u, so none of those is
/// pushed; only the paths through the other neighbours are searched. Nothing is lost: if a node's
/// distance is exact through u's row, u lies on its shortest path, and so on that of every node
/// after it on that path, which the row gives exactly too; a node whose shortest path passes no
/// read row is reached by relaxations, as in plain Dijkstra. (Reading the rows of farther
/// nodes as well covered a little more and cost more than it saved: each read is a whole row.)
/// The factor keeps a path that is shorter only by rounding from being pushed and searched again;
/// a distance read through a row is therefore low by at most 2⁻⁴⁴ of itself per round of rows it
/// passed through (64 at most: under 4e-12; rounding differences along a path are near 1e-14).
/// Without known rows, each distance is the smallest sum, added along its path from the source, of
/// the edges of a path, whatever the order in which equal keys are settled.
final class Dijkstra {
    private let distance: UnsafeMutablePointer<Double>
    private let queue = RadixQueue()
    private let graph: PathGraph

    /// The nodes one relaxation improved (room for the largest degree and a vector more).
    private let improved: UnsafeMutablePointer<Int32>

    /// `adjacent[p] == stamp`: node p is a neighbour of the current source.
    private let adjacent: UnsafeMutablePointer<UInt32>
    private var stamp: UInt32 = 0

    /// What a distance read through a known row is multiplied by.
    static let throughScale = 1 - 0x1p-44

    init(graph: PathGraph) {
        self.graph = graph
        distance = .allocate(capacity: max(graph.count, 1))
        adjacent = .allocate(capacity: max(graph.count, 1))
        adjacent.initialize(repeating: 0, count: max(graph.count, 1))
        var degree = 1
        for p in 0..<graph.count { degree = max(degree, Int(graph.offsets[p + 1] - graph.offsets[p])) }
        improved = .allocate(capacity: degree + 8)
    }

    deinit {
        distance.deallocate()
        improved.deallocate()
        adjacent.deallocate()
    }

    /// Geodesic distances (unsquared, breadth-first order) from original row `source` into `out`,
    /// reading the rows `known` makes available.
    func distances(from source: Int, known: KnownRows, into out: UnsafeMutablePointer<Double>) {
        search(seeds: [(source, 0)], known: known)
        out.update(from: distance, count: graph.count)
    }

    /// Squared geodesic distances from a node outside the graph joined to the original rows of
    /// `seeds` by edges of the given (non-negative) lengths: for every row j, the smallest over the
    /// seeds (i, l) of l + d(i, j), squared, into `out` (original order). What a new row's placement
    /// reads (`Isomap.place`).
    func squaredDistances(fromSeeds seeds: [(row: Int, length: Double)], into out: UnsafeMutablePointer<Double>) {
        search(seeds: seeds, known: nil)
        graph.squaredInOriginalOrder(distance, into: out)
    }

    /// Fills `distance` (breadth-first order) from the seeds.
    private func search(seeds: [(row: Int, length: Double)], known: KnownRows?) {
        let n = graph.count
        let dist = distance
        dist.update(repeating: .infinity, count: n)
        queue.removeAll()
        for (row, length) in seeds {
            let start = graph.position[row]
            if length < dist[Int(start)] {
                dist[Int(start)] = length
                queue.push(length, start)
            }
        }
        let noRows = [Int32]()
        graph.offsets.withUnsafeBufferPointer { offsets in
        graph.targets.withUnsafeBufferPointer { targets in
        graph.weights.withUnsafeBufferPointer { weights in
        (known?.rowOfNode ?? noRows).withUnsafeBufferPointer { rowOfNode in
        (known?.roundOfNode ?? noRows).withUnsafeBufferPointer { roundOfNode in
            let improved = self.improved, adjacent = self.adjacent
            let round = known?.round ?? 0, rowBase = known?.base, width = known?.width ?? 0
            if known != nil { markNeighbours(of: Int(graph.position[seeds[0].row]), offsets: offsets, targets: targets) }
            // A graph without edges has no base addresses, and nothing to relax.
            let targetBase = targets.baseAddress, weightBase = weights.baseAddress
            while queue.count > 0 {
                let (d, u32) = queue.pop()
                let u = Int(u32)
                guard d == dist[u] else { continue }
                if let rowBase, adjacent[u] == stamp, roundOfNode[u] < round {
                    ck_lower_through(dist, rowBase + Int(rowOfNode[u]) * width, d, Self.throughScale, n)
                    continue
                }
                guard let targetBase, let weightBase else { continue }
                let begin = Int(offsets[u])
                let found = ck_relax(d, targetBase + begin, weightBase + begin, Int(offsets[u + 1]) - begin, dist, improved)
                for i in 0..<found { queue.push(dist[Int(improved[i])], improved[i]) }
            }
        } } } } }
    }

    /// Stamps node p's neighbours as the current source's.
    private func markNeighbours(of p: Int, offsets: UnsafeBufferPointer<Int32>, targets: UnsafeBufferPointer<Int32>) {
        if stamp == .max {
            adjacent.update(repeating: 0, count: max(graph.count, 1))
            stamp = 0
        }
        stamp += 1
        for e in Int(offsets[p])..<Int(offsets[p + 1]) { adjacent[Int(targets[e])] = stamp }
    }
}
