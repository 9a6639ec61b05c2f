import Collectives
import Dispatch
import LinearAlgebra
import Randomness

extension Isomap {
    /// Landmark Isomap (de Silva & Tenenbaum, 2003) for N where the N × N geodesic matrix does not
    /// fit: Dijkstra from `landmarks` rows only (spread over the ranks, m × N distances allgathered),
    /// classical MDS of the landmarks' m × m squared distances, and every row placed by distance-based
    /// triangulation y = ½ L♯ (δ̄ − δ_x), L♯'s rows vᵢᵀ/√λᵢ. The landmarks are a seeded sample
    /// without replacement (`seed`). A collective; every rank gets the whole embedding.
    ///
    /// The kNN graph must be connected: several components are refused with a message naming
    /// `--isomap-neighbors` (joining them as exact Isomap does costs O(N²) distances).
    public static func fitLandmarks(points: Matrix, neighbors: Int, components: Int, landmarks: Int,
                                    world: Communicator, threads: Int, seed: UInt64 = 0) throws -> IsomapResult {
        let n = points.rows
        guard neighbors >= 1, neighbors < n else {
            throw IsomapError.invalidSettings("--isomap-neighbors \(neighbors) must lie in 1...\(n - 1) for \(n) rows")
        }
        guard landmarks > components, landmarks <= n else {
            throw IsomapError.invalidSettings("--isomap-landmarks \(landmarks) must lie in \(components + 1)...\(n) for \(n) rows"
                + " and \(components) components")
        }
        let threads = max(1, threads)
        var phases = PhaseSeconds()
        let (graph, _) = try neighborhoodGraph(points: points, neighbors: neighbors, world: world, threads: threads,
                                               joinComponents: false)
        // The landmarks: a seeded partial Fisher–Yates shuffle, kept in index order.
        var random = SeededGenerator(seed: seed, at: 0x1A4D)
        var order = Array(0..<n)
        for i in 0..<landmarks {
            let j = i + random.nextIndex(below: n - i)
            order.swapAt(i, j)
        }
        let chosen = order[0..<landmarks].sorted()
        let m = landmarks
        phases.lap("knn")

        // Squared geodesic distances from this rank's landmarks, allgathered: m × N on every rank.
        let partition = RowPartition(total: m, size: world.size)
        let mine = partition.range(of: world.rank)
        var local = [Double](repeating: 0, count: mine.count * n)
        local.withUnsafeMutableBufferPointer { out in
            PathGraph(graph).squaredDistances(from: mine.map { chosen[$0] }, into: out.baseAddress!, threads: threads)
        }
        let squared = world.size > 1 ? world.allgather(local) : local
        phases.lap("paths")

        // Classical MDS of the landmarks: B = −½ H Δ H on the m × m block.
        var delta = [Double](repeating: 0, count: m * m)
        for a in 0..<m { for b in 0..<m { delta[a * m + b] = squared[a * n + chosen[b]] } }
        var means = [Double](repeating: 0, count: m)
        for a in 0..<m { for b in 0..<m { means[b] += delta[a * m + b] } }
        for b in 0..<m { means[b] /= Double(m) }
        let grand = means.reduce(0, +) / Double(m)
        var centred = [Double](repeating: 0, count: m * m)
        for a in 0..<m { for b in 0..<m { centred[a * m + b] = -0.5 * (delta[a * m + b] - means[a] - means[b] + grand) } }
        guard let (values, vectors) = DistributedLanczos.symmetricEigen(centred, size: m), values[components - 1] > 0 else {
            throw IsomapError.eigensolverFailed("landmark Isomap: the \(m) landmarks span fewer than \(components) positive dimensions")
        }
        // Signs as exact Isomap's: each landmark vector's largest-magnitude entry positive.
        var pseudo = [[Double]](repeating: [], count: components)
        for c in 0..<components {
            var v = vectors[c]
            var at = 0
            for i in 1..<m where abs(v[i]) > abs(v[at]) { at = i }
            if v[at] < 0 { v = v.map { -$0 } }
            pseudo[c] = v.map { $0 / values[c].squareRoot() }
        }

        // Triangulation of this rank's rows, allgathered.
        let rows = RowPartition(total: n, size: world.size)
        let ownRows = rows.range(of: world.rank)
        var block = [Double](repeating: 0, count: ownRows.count * components)
        block.withUnsafeMutableBufferPointer { out in
            ParallelFor.chunks(count: ownRows.count, chunkSize: 256, threads: threads) { _, items in
                for r in items {
                    let x = ownRows.lowerBound + r
                    for c in 0..<components {
                        var s = 0.0
                        for a in 0..<m { s += pseudo[c][a] * (means[a] - squared[a * n + x]) }
                        out[r * components + c] = 0.5 * s
                    }
                }
            }
        }
        let embedding = world.size > 1 ? world.allgather(block) : block
        // The same triangulation for new rows: L♯ on the landmarks' columns, 0 elsewhere.
        var weights = [Double](repeating: 0, count: components * n), columnMeans = [Double](repeating: 0, count: n)
        for (a, row) in chosen.enumerated() {
            columnMeans[row] = means[a]
            for c in 0..<components { weights[c * n + row] = pseudo[c][a] }
        }
        let placement = IsomapPlacement(components: components, rows: n, weights: weights, columnMeans: columnMeans)
        phases.lap("eigen")
        return IsomapResult(embedding: embedding, rows: n, components: components, eigenvalues: Array(values[0..<components]),
                            reconstructionError: .nan, graphComponents: 1, lanczosCycles: 0, lanczosProducts: 0,
                            lanczosConverged: true, landmarks: chosen, placement: placement, seconds: phases.seconds)
    }
}
