import Randomness
import Collectives
import LinearAlgebra

/// Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, with scikit-learn's greedy refinement):
/// the first centre is a uniformly drawn row; each further centre is the best — by the resulting
/// potential (sum of squared distances to the nearest centre) — of `2 + ⌊ln k⌋` rows drawn with
/// probability proportional to their current squared distance.
///
/// Distributed over the rows of a `RowShard`: every rank draws the same random numbers, the rank
/// owning a drawn row shares it, and potentials are summed over ranks, so every rank ends with the
/// same centres.
enum KMeansPlusPlus {
    static func centers(_ points: Matrix, shard: RowShard, k: Int, generator: inout SeededGenerator,
                        threads: Int, world: Communicator) -> [Float] {
        let d = shard.dims
        var centers = [Float](repeating: 0, count: k * d)
        let first = generator.nextIndex(below: shard.total)
        let firstRow = shard.fetch([first], from: points, world: world)
        for j in 0..<d { centers[j] = firstRow[j] }
        var closest = [Double](repeating: 0, count: shard.rows)
        squaredDistances(points, to: firstRow, into: &closest, keepingSmaller: false, threads: threads)
        let trials = 2 + Int(log(Double(k)))
        for c in 1..<k {
            let localPotentials = world.allgather([closest.reduce(0, +)])
            let potential = localPotentials.reduce(0, +)
            let draws = (0..<trials).map { _ in generator.nextUnit() * potential }
            let rows = draws.map { globalRow(at: $0, closest: closest, localPotentials: localPotentials, shard: shard, world: world) }
            // Owners know their picks; the others contribute -1 and the max brings each pick to all.
            var picked = rows
            world.allreduce(&picked, op: .max)
            let candidates = shard.fetch(picked.map(Int.init), from: points, world: world)
            var trialPotentials = potentials(points, closest: closest, candidates: candidates, count: trials, threads: threads)
            world.allreduce(&trialPotentials, op: .sum)
            let best = trialPotentials.indices.min { trialPotentials[$0] < trialPotentials[$1] }!
            let chosen = Array(candidates[best * d..<(best + 1) * d])
            squaredDistances(points, to: chosen, into: &closest, keepingSmaller: true, threads: threads)
            for j in 0..<d { centers[c * d + j] = chosen[j] }
        }
        return centers
    }

    /// The global row at cumulative potential `draw` (the first row whose running sum reaches it),
    /// as an Int64 on its owner and -1 elsewhere.
    private static func globalRow(at draw: Double, closest: [Double], localPotentials: [Double],
                                  shard: RowShard, world: Communicator) -> Int64 {
        var before = 0.0, owner = -1
        for (r, p) in localPotentials.enumerated() where shard.counts[r] > 0 {
            owner = r
            if before + p >= draw { break }
            before += p
        }
        guard owner == world.rank else { return -1 }
        var running = before
        for i in 0..<shard.rows {
            running += closest[i]
            if running >= draw { return Int64(shard.offset + i) }
        }
        return Int64(shard.offset + shard.rows - 1)
    }

    /// For each of `count` candidate centres (rows of `candidates`), the sum over this rank's rows
    /// of min(closest[i], squared distance to the candidate): one pass over the rows, in fixed
    /// chunks merged in order.
    static func potentials(_ points: Matrix, closest: [Double], candidates: [Float], count: Int, threads: Int) -> [Double] {
        let d = points.cols
        return points.storage.withUnsafeBufferPointer { x in
            candidates.withUnsafeBufferPointer { c in
                closest.withUnsafeBufferPointer { closest in
                    ParallelFor.sum(count: points.rows, width: count, threads: threads) { range, out in
                        for i in range {
                            let row = x.baseAddress! + i * d
                            for t in 0..<count {
                                let centre = c.baseAddress! + t * d
                                var s: Float = 0
                                for j in 0..<d { let v = row[j] - centre[j]; s += v * v }
                                out[t] += min(closest[i], Double(s))
                            }
                        }
                    }
                }
            }
        }
    }

    /// `out[i]` = squared distance from row i to `center`, or the smaller of that and `out[i]`.
    static func squaredDistances(_ points: Matrix, to center: [Float], into out: inout [Double], keepingSmaller: Bool, threads: Int) {
        let d = points.cols
        points.storage.withUnsafeBufferPointer { x in
            center.withUnsafeBufferPointer { c in
                out.withUnsafeMutableBufferPointer { out in
                    let out = out
                    ParallelFor.chunks(count: points.rows, threads: threads) { _, range in
                        for i in range {
                            var s: Float = 0
                            for j in 0..<d { let t = x[i * d + j] - c[j]; s += t * t }
                            out[i] = keepingSmaller ? min(out[i], Double(s)) : Double(s)
                        }
                    }
                }
            }
        }
    }
}
#if canImport(Glibc)
import Glibc
#endif
