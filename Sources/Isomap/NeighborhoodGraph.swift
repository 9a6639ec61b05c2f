import LinearAlgebra

/// The undirected kNN graph Isomap walks: adjacency lists (CSR) with Euclidean edge lengths in
/// double precision.
struct NeighborhoodGraph {
    let count: Int
    /// Row i's neighbours are `targets[offsets[i] ..< offsets[i + 1]]`, ascending.
    var offsets: [Int]
    var targets: [Int32]
    var weights: [Double]

    /// The symmetrised graph of `lists` (row i: its neighbours, the point itself excluded). An edge
    /// present in one direction only is used both ways; its length is the double-precision distance
    /// between the two points (the same both ways), as scikit-learn's tree search gives it.
    init(points: Matrix, lists: [[Int32]], extraEdges: [(Int, Int, Double)] = []) {
        let n = points.rows
        count = n
        var adjacency = [[(Int32, Double)]](repeating: [], count: n)
        for i in 0..<n {
            for j32 in lists[i] {
                let j = Int(j32)
                guard j != i else { continue }
                let d = Self.distance(points, i, j)
                adjacency[i].append((Int32(j), d))
                adjacency[j].append((Int32(i), d))
            }
        }
        for (i, j, d) in extraEdges {
            adjacency[i].append((Int32(j), d))
            adjacency[j].append((Int32(i), d))
        }
        offsets = [0]
        offsets.reserveCapacity(n + 1)
        targets = []
        weights = []
        for i in 0..<n {
            let sorted = adjacency[i].sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            var previous: Int32 = -1
            for (j, d) in sorted where j != previous {
                targets.append(j)
                weights.append(d)
                previous = j
            }
            offsets.append(targets.count)
        }
    }

    /// ‖x_i − x_j‖ summed in double in coordinate order.
    static func distance(_ points: Matrix, _ i: Int, _ j: Int) -> Double {
        let d = points.cols
        var s = 0.0
        points.storage.withUnsafeBufferPointer { p in
            for c in 0..<d {
                let t = Double(p[i * d + c]) - Double(p[j * d + c])
                s += t * t
            }
        }
        return s.squareRoot()
    }

    /// Component label of every node, labels numbered in order of each component's smallest node.
    func componentLabels() -> (labels: [Int], count: Int) {
        var labels = [Int](repeating: -1, count: count)
        var next = 0
        var stack: [Int] = []
        for s in 0..<count where labels[s] < 0 {
            labels[s] = next
            stack.append(s)
            while let u = stack.popLast() {
                for e in offsets[u]..<offsets[u + 1] {
                    let v = Int(targets[e])
                    if labels[v] < 0 { labels[v] = next; stack.append(v) }
                }
            }
            next += 1
        }
        return (labels, next)
    }

    /// scikit-learn's `_fix_connected_components`: for every pair of components (j < i), the closest
    /// pair of points (the first in row-major order of component i's points × component j's points,
    /// each in index order) becomes an edge of their distance.
    static func bridges(points: Matrix, labels: [Int], components: Int, threads: Int) -> [(Int, Int, Double)] {
        var members = [[Int]](repeating: [], count: components)
        for (i, l) in labels.enumerated() { members[l].append(i) }
        var pairs: [(Int, Int)] = []
        for i in 0..<components { for j in 0..<i { pairs.append((i, j)) } }
        var found = [(Int, Int, Double)](repeating: (0, 0, 0), count: pairs.count)
        found.withUnsafeMutableBufferPointer { out in
            ParallelFor.chunks(count: pairs.count, chunkSize: 1, threads: threads) { _, items in
                for p in items {
                    let (ci, cj) = pairs[p]
                    var best = (0, 0, Double.infinity)
                    for a in members[ci] {
                        for b in members[cj] {
                            let d = distance(points, a, b)
                            if d < best.2 { best = (a, b, d) }
                        }
                    }
                    out[p] = best
                }
            }
        }
        return found
    }
}

/// Dijkstra's shortest paths from one source over a `NeighborhoodGraph`, with a binary heap (lazy
/// deletion; ties broken by node index, so the order of work never depends on anything else).
final class Dijkstra {
    private var keys: UnsafeMutablePointer<Double>
    private var nodes: UnsafeMutablePointer<Int32>
    private var capacity: Int
    private var size = 0

    init(capacity: Int = 1024) {
        self.capacity = max(capacity, 16)
        keys = .allocate(capacity: self.capacity)
        nodes = .allocate(capacity: self.capacity)
    }

    deinit {
        keys.deallocate()
        nodes.deallocate()
    }

    /// Geodesic distances from `source` to every node into `out` (infinity where unreachable).
    func distances(from source: Int, graph: NeighborhoodGraph, into out: UnsafeMutablePointer<Double>) {
        let n = graph.count
        for i in 0..<n { out[i] = .infinity }
        out[source] = 0
        size = 0
        push(0, Int32(source))
        graph.offsets.withUnsafeBufferPointer { offsets in
        graph.targets.withUnsafeBufferPointer { targets in
        graph.weights.withUnsafeBufferPointer { weights in
            while size > 0 {
                let d = keys[0], u = Int(nodes[0])
                popTop()
                if d > out[u] { continue }
                for e in offsets[u]..<offsets[u + 1] {
                    let candidate = d + weights[e]
                    let v = Int(targets[e])
                    if candidate < out[v] {
                        out[v] = candidate
                        push(candidate, targets[e])
                    }
                }
            }
        } } }
    }

    @inline(__always)
    private func less(_ ka: Double, _ na: Int32, _ kb: Double, _ nb: Int32) -> Bool {
        ka < kb || (ka == kb && na < nb)
    }

    private func grow() {
        let bigger = capacity * 2
        let k = UnsafeMutablePointer<Double>.allocate(capacity: bigger)
        let v = UnsafeMutablePointer<Int32>.allocate(capacity: bigger)
        k.update(from: keys, count: size)
        v.update(from: nodes, count: size)
        keys.deallocate()
        nodes.deallocate()
        keys = k
        nodes = v
        capacity = bigger
    }

    @inline(__always)
    private func push(_ key: Double, _ node: Int32) {
        if size == capacity { grow() }
        var c = size
        size += 1
        while c > 0 {
            let p = (c - 1) >> 1
            guard less(key, node, keys[p], nodes[p]) else { break }
            keys[c] = keys[p]
            nodes[c] = nodes[p]
            c = p
        }
        keys[c] = key
        nodes[c] = node
    }

    @inline(__always)
    private func popTop() {
        size -= 1
        guard size > 0 else { return }
        let key = keys[size], node = nodes[size]
        var p = 0
        while true {
            let l = 2 * p + 1
            if l >= size { break }
            var m = l
            let r = l + 1
            if r < size && less(keys[r], nodes[r], keys[l], nodes[l]) { m = r }
            guard less(keys[m], nodes[m], key, node) else { break }
            keys[p] = keys[m]
            nodes[p] = nodes[m]
            p = m
        }
        keys[p] = key
        nodes[p] = node
    }
}
