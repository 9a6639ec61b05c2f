import LinearAlgebra

/// Density-based clustering (Ester et al. 1996) with scikit-learn's semantics:
/// a point with at least `minSamples` points (itself included) within `eps` is a core point;
/// clusters are the connected components of core points (two cores within `eps` are connected) plus
/// the border points within `eps` of a core; every other point is noise (label −1).
///
/// Numbering is deterministic and equal to scikit-learn's: clusters are numbered in the order of
/// their lowest core point index, and a border point near several clusters joins the lowest-numbered
/// one.
///
/// Runs on one process over all rows (the embedding is small); the neighbour counts and border
/// assignment run on `ProcessorCount.workers` threads over a kd-tree.
public struct DBSCAN: Sendable {
    public var eps: Float
    public var minSamples: Int

    public init(eps: Float, minSamples: Int) {
        self.eps = eps
        self.minSamples = minSamples
    }

    /// Clusters the rows of `points`. Throws when `eps` is not positive or `minSamples` < 1.
    public func fit(_ points: Matrix) throws -> DBSCANResult {
        guard eps > 0, eps.isFinite else { throw ClusteringError("DBSCAN eps must be a positive number (got \(eps)).") }
        guard minSamples >= 1 else { throw ClusteringError("DBSCAN min_samples must be at least 1 (got \(minSamples)).") }
        let n = points.rows
        let tree = KDTree(points)
        let isCore = coreMask(points, tree: tree)
        let coreRows = (0..<n).filter { isCore[$0] }
        let coreTree = KDTree(points, rows: coreRows)
        let clusterOfCore = connectCores(rowCount: n, coreTree: coreTree, coreRows: coreRows)
        var labels = [Int](repeating: -1, count: n)
        for (c, row) in coreRows.enumerated() { labels[row] = clusterOfCore[c] }
        assignBorders(points, coreTree: coreTree, isCore: isCore, labels: &labels)
        let clusters = clusterOfCore.max().map { $0 + 1 } ?? 0
        return DBSCANResult(labels: labels, isCore: isCore, clusterCount: clusters)
    }

    /// Whether each row has at least `minSamples` rows within `eps`.
    private func coreMask(_ points: Matrix, tree: KDTree) -> [Bool] {
        var isCore = [Bool](repeating: false, count: points.rows)
        let needed = minSamples
        points.storage.withUnsafeBufferPointer { rows in
            isCore.withUnsafeMutableBufferPointer { core in
                let core = core
                ChunkedWork.run(count: points.rows, chunkSize: 512) { _, range in
                    for i in range {
                        core[i] = tree.count(within: eps, of: rows.baseAddress! + i * points.cols) >= needed
                    }
                }
            }
        }
        return isCore
    }

    /// The cluster number of each core point (in `coreRows` order): connected components of the
    /// core points, numbered by their lowest row.
    ///
    /// A tree node that lies wholly inside a core point's ball joins that point's component with all
    /// of its points; once a node has been joined whole, its points are one set for good, so later
    /// balls containing it join one representative only. This keeps dense regions (thousands of
    /// cores within eps of each other) close to linear.
    private func connectCores(rowCount: Int, coreTree: KDTree, coreRows: [Int]) -> [Int] {
        var sets = DisjointSets(count: coreTree.count)
        var joinedWhole = [Bool](repeating: false, count: coreTree.nodeStart.count)
        // Tree positions of each core point: `coreTree.order[p]` is a row; positions index `sets`.
        var positionOfRow = [Int](repeating: -1, count: rowCount)
        for p in 0..<coreTree.count { positionOfRow[coreTree.order[p]] = p }
        let radius2 = eps * eps
        for p in 0..<coreTree.count {
            let query = coreTree.points + p * coreTree.dims
            coreTree.visit(within: radius2, of: query, whole: { node in
                let start = coreTree.nodeStart[node]
                if joinedWhole[node] {
                    sets.union(p, start)
                } else {
                    for q in start..<coreTree.nodeEnd[node] { sets.union(p, q) }
                    joinedWhole[node] = true
                }
            }, point: { q in sets.union(p, q) })
        }
        // Roots are tree positions; number the components by their lowest row.
        var lowestRow = [Int](repeating: Int.max, count: coreTree.count)
        for p in 0..<coreTree.count {
            let root = sets.find(p)
            lowestRow[root] = min(lowestRow[root], coreTree.order[p])
        }
        let roots = (0..<coreTree.count).filter { sets.find($0) == $0 }.sorted { lowestRow[$0] < lowestRow[$1] }
        var number = [Int](repeating: -1, count: coreTree.count)
        for (c, root) in roots.enumerated() { number[root] = c }
        return coreRows.map { number[sets.find(positionOfRow[$0])] }
    }

    /// Gives each non-core point within `eps` of a core point the lowest cluster number among those
    /// cores (scikit-learn's expansion order reaches it from that cluster first).
    private func assignBorders(_ points: Matrix, coreTree: KDTree, isCore: [Bool], labels: inout [Int]) {
        let coreLabels = labels
        points.storage.withUnsafeBufferPointer { rows in
            labels.withUnsafeMutableBufferPointer { out in
                let out = out
                ChunkedWork.run(count: points.rows, chunkSize: 512) { _, range in
                    for i in range where !isCore[i] {
                        var best = Int.max
                        coreTree.forEach(within: eps, of: rows.baseAddress! + i * points.cols) { row in
                            best = min(best, coreLabels[row])
                        }
                        if best != Int.max { out[i] = best }
                    }
                }
            }
        }
    }
}

/// The outcome of `DBSCAN.fit`.
public struct DBSCANResult: Sendable {
    /// Cluster number per row (0-based), −1 for noise.
    public var labels: [Int]
    /// Whether each row is a core point.
    public var isCore: [Bool]
    /// The number of clusters (noise not counted).
    public var clusterCount: Int

    /// Rows labelled −1.
    public var noiseCount: Int { labels.lazy.filter { $0 < 0 }.count }
    /// The share of rows labelled noise (0 for no rows).
    public var noiseShare: Double { labels.isEmpty ? 0 : Double(noiseCount) / Double(labels.count) }
    /// Rows per cluster, cluster 0 first (noise not included).
    public var sizes: [Int] {
        var sizes = [Int](repeating: 0, count: clusterCount)
        for l in labels where l >= 0 { sizes[l] += 1 }
        return sizes
    }
}
