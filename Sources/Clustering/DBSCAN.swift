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
/// assignment run on `threads` threads over a kd-tree.
public struct DBSCAN: Sendable {
    public var eps: Float
    public var minSamples: Int
    /// Threads of this rank (`ParallelFor`); the labels do not depend on it.
    public var threads: Int

    public init(eps: Float, minSamples: Int, threads: Int = 1) {
        self.eps = eps
        self.minSamples = minSamples
        self.threads = threads
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
                ParallelFor.chunks(count: points.rows, chunkSize: 512, threads: threads) { _, range in
                    for i in range {
                        core[i] = tree.hasAtLeast(needed, within: eps, of: rows.baseAddress! + i * points.cols)
                    }
                }
            }
        }
        return isCore
    }

    /// The cluster number of each core point (in `coreRows` order): connected components of the
    /// core points, numbered by their lowest row.
    ///
    /// Dense regions (thousands of cores within eps of each other) are kept close to linear by
    /// tracking tree nodes whose points are already one set ("joined"): a node no wider than eps is
    /// joined from the start; a node wholly inside a core point's ball gets joined to it; a leaf whose
    /// points have come to share a root, or an inner node whose children are joined into one set, is
    /// marked when a query meets it. A joined node already in the query's set is skipped; one in
    /// another set needs only one point within eps to be merged.
    private func connectCores(rowCount: Int, coreTree: KDTree, coreRows: [Int]) -> [Int] {
        guard coreTree.count > 0 else { return [] }
        var sets = DisjointSets(count: coreTree.count)
        var joined = [Bool](repeating: false, count: coreTree.nodeStart.count)
        let radius2 = eps * eps
        joinNarrowNodes(coreTree, node: 0, radius2: radius2, sets: &sets, joined: &joined)
        for p in 0..<coreTree.count {
            let query = coreTree.points + p * coreTree.dims
            coreTree.visit(within: radius2, of: query, skip: { node in
                if !joined[node] { joined[node] = isOneSet(coreTree, node: node, joined: joined, sets: &sets) }
                guard joined[node] else { return false }
                let start = coreTree.nodeStart[node]
                if sets.find(p) != sets.find(start) {
                    coreTree.visit(from: node, within: radius2, of: query,
                                   whole: { _ in sets.union(p, start); return false },
                                   point: { _ in sets.union(p, start); return false })
                }
                return true
            }, whole: { node in
                let start = coreTree.nodeStart[node]
                for q in start..<coreTree.nodeEnd[node] { sets.union(p, q) }
                markJoined(coreTree, node: node, joined: &joined)
                return true
            }, point: { q in sets.union(p, q); return true })
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
        var positionOfRow = [Int](repeating: -1, count: rowCount)
        for p in 0..<coreTree.count { positionOfRow[coreTree.order[p]] = p }
        return coreRows.map { number[sets.find(positionOfRow[$0])] }
    }

    /// Whether the points of a node not yet marked joined have come to be one set: for a leaf, all
    /// its points share a root (the scan stops at the first that does not); for an inner node, both
    /// children are joined into the same set.
    private func isOneSet(_ tree: KDTree, node: Int, joined: [Bool], sets: inout DisjointSets) -> Bool {
        let left = tree.nodeLeft[node]
        if left >= 0 {
            let right = tree.nodeRight[node]
            return joined[left] && joined[right] && sets.find(tree.nodeStart[left]) == sets.find(tree.nodeStart[right])
        }
        let root = sets.find(tree.nodeStart[node])
        for q in tree.nodeStart[node] + 1..<tree.nodeEnd[node] where sets.find(q) != root { return false }
        return true
    }

    /// Joins the points of every node at most eps wide (all its cores are within eps of each other)
    /// and marks it and its descendants joined.
    private func joinNarrowNodes(_ tree: KDTree, node: Int, radius2: Float, sets: inout DisjointSets, joined: inout [Bool]) {
        if tree.squaredDiameter(node) <= radius2 {
            for q in tree.nodeStart[node]..<tree.nodeEnd[node] { sets.union(tree.nodeStart[node], q) }
            markJoined(tree, node: node, joined: &joined)
        } else if tree.nodeLeft[node] >= 0 {
            joinNarrowNodes(tree, node: tree.nodeLeft[node], radius2: radius2, sets: &sets, joined: &joined)
            joinNarrowNodes(tree, node: tree.nodeRight[node], radius2: radius2, sets: &sets, joined: &joined)
        }
    }

    private func markJoined(_ tree: KDTree, node: Int, joined: inout [Bool]) {
        joined[node] = true
        if tree.nodeLeft[node] >= 0 {
            markJoined(tree, node: tree.nodeLeft[node], joined: &joined)
            markJoined(tree, node: tree.nodeRight[node], joined: &joined)
        }
    }

    /// Gives each non-core point within `eps` of a core point the lowest cluster number among those
    /// cores (scikit-learn's expansion order reaches it from that cluster first).
    private func assignBorders(_ points: Matrix, coreTree: KDTree, isCore: [Bool], labels: inout [Int]) {
        let coreLabels = labels
        points.storage.withUnsafeBufferPointer { rows in
            labels.withUnsafeMutableBufferPointer { out in
                let out = out
                ParallelFor.chunks(count: points.rows, chunkSize: 512, threads: threads) { _, range in
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
