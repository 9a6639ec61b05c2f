import Collectives
import LinearAlgebra

/// One KMeans run from given centres: assignment steps over this rank's rows in fixed chunks (on
/// `threads` threads), centroid sums added over ranks in one allreduce per step.
struct LloydIterations {
    let points: Matrix
    let shard: RowShard
    let k: Int
    let threads: Int
    var centers: [Float]
    var labels: [Int32]
    /// Squared distance of each row to its assigned centre at the last assignment.
    var distances: [Float]

    init(points: Matrix, shard: RowShard, k: Int, centers: [Float], threads: Int) {
        self.points = points
        self.shard = shard
        self.k = k
        self.centers = centers
        self.threads = threads
        labels = [Int32](repeating: -1, count: points.rows)
        distances = [Float](repeating: 0, count: points.rows)
    }

    /// Global sums after an assignment: per cluster coordinate sums and counts, the inertia and the
    /// number of rows whose label changed.
    struct Totals {
        var sums: [Double]
        var counts: [Double]
        var inertia: Double
        var changed: Double
    }

    mutating func iterate(maxIterations: Int, threshold: Double, world: Communicator) -> KMeansResult {
        let d = shard.dims
        var history: [Double] = []
        var iterations = 0
        var settled = false
        while iterations < maxIterations {
            var totals = assign(world: world)
            history.append(totals.inertia)
            iterations += 1
            if totals.changed == 0 { settled = true; break }
            relocateEmptyClusters(&totals, world: world)
            var shift = 0.0
            for c in 0..<k where totals.counts[c] > 0 {
                for j in 0..<d {
                    let updated = Float(totals.sums[c * d + j] / totals.counts[c])
                    let delta = Double(updated - centers[c * d + j])
                    shift += delta * delta
                    centers[c * d + j] = updated
                }
            }
            if shift <= threshold { break }
        }
        var inertia = history.last ?? 0
        if !settled {
            inertia = assign(world: world).inertia
            history.append(inertia)
        }
        var counts = [Int64](repeating: 0, count: k)
        for l in labels { counts[Int(l)] += 1 }
        world.allreduce(&counts, op: .sum)
        let sizes = counts.map { Int($0) }
        return KMeansResult(centroids: Matrix(rows: k, cols: d, storage: centers), labels: labels.map(Int.init),
                            inertia: inertia, iterations: iterations, inertiaHistory: history, sizes: sizes)
    }

    /// Labels every own row with its nearest centre and returns the totals over all ranks.
    mutating func assign(world: Communicator) -> Totals {
        let d = shard.dims, k = self.k
        let stride = k * d + k + 2
        var merged = points.storage.withUnsafeBufferPointer { x in
            centers.withUnsafeBufferPointer { c in
                labels.withUnsafeMutableBufferPointer { labels in
                    distances.withUnsafeMutableBufferPointer { distances in
                        let (labels, distances) = (labels, distances)
                        return ParallelFor.sum(count: points.rows, width: stride, threads: threads) { range, out in
                            for i in range {
                                let row = x.baseAddress! + i * d
                                var best: Int32 = 0, bestDistance = Float.infinity
                                for cluster in 0..<k {
                                    var s: Float = 0
                                    let center = c.baseAddress! + cluster * d
                                    for j in 0..<d { let t = row[j] - center[j]; s += t * t }
                                    if s < bestDistance { bestDistance = s; best = Int32(cluster) }
                                }
                                if labels[i] != best { out[k * d + k + 1] += 1 }
                                labels[i] = best
                                distances[i] = bestDistance
                                let b = Int(best)
                                for j in 0..<d { out[b * d + j] += Double(row[j]) }
                                out[k * d + b] += 1
                                out[k * d + k] += Double(bestDistance)
                            }
                        }
                    }
                }
            }
        }
        world.allreduce(&merged, op: .sum)
        return Totals(sums: Array(merged[0..<k * d]), counts: Array(merged[k * d..<k * d + k]),
                      inertia: merged[k * d + k], changed: merged[k * d + k + 1])
    }

    /// Gives each empty cluster the row (over all ranks) farthest from its centre, taking it out of
    /// its old cluster, as scikit-learn does; ties go to the lower global row.
    mutating func relocateEmptyClusters(_ totals: inout Totals, world: Communicator) {
        let empty = (0..<k).filter { totals.counts[$0] == 0 }
        guard !empty.isEmpty else { return }
        let d = shard.dims
        // Each rank offers its farthest rows; all ranks pick the same global farthest ones.
        let local = distances.indices.sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
            .prefix(empty.count)
        var offers = [Double](repeating: -1, count: 2 * empty.count)
        for (slot, i) in local.enumerated() { offers[2 * slot] = Double(distances[i]); offers[2 * slot + 1] = Double(shard.offset + i) }
        let all = world.allgather(offers)
        let offered: [(distance: Double, row: Int)] = stride(from: 0, to: all.count, by: 2)
            .filter { all[$0] >= 0 }.map { (all[$0], Int(all[$0 + 1])) }
        let picks = offered.sorted { $0.distance != $1.distance ? $0.distance > $1.distance : $0.row < $1.row }
            .prefix(empty.count).map { $0.row }
        let rows = shard.fetch(picks, from: points, world: world)
        var oldLabels: [Int64] = picks.map { row -> Int64 in
            (row >= shard.offset && row < shard.offset + shard.rows) ? Int64(labels[row - shard.offset]) : -1
        }
        world.allreduce(&oldLabels, op: .max)
        for (slot, row) in picks.enumerated() {
            let cluster = empty[slot], old = Int(oldLabels[slot])
            for j in 0..<d {
                let value = Double(rows[slot * d + j])
                totals.sums[old * d + j] -= value
                totals.sums[cluster * d + j] = value
            }
            totals.counts[old] -= 1
            totals.counts[cluster] = 1
            if row >= shard.offset && row < shard.offset + shard.rows {
                labels[row - shard.offset] = Int32(cluster)
                distances[row - shard.offset] = 0
            }
        }
    }
}
