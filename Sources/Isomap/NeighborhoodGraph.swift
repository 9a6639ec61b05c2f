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
    static func distance(_ points: Matrix, _ i: Int, _ j: Int) -> Double { Isomap.distance(points, i, points, j) }

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
