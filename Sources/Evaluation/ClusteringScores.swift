import Foundation

/// Agreement between a clustering and true labels, as scikit-learn computes it (in Double).
public enum ClusteringScores {
    /// Clustering accuracy: the share of rows whose cluster maps to their class under the one-to-one
    /// matching of clusters to classes that agrees on the most rows (Hungarian method on the
    /// contingency table; unmatched clusters count as wrong).
    public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
        let table = ContingencyTable(truth: truth, predicted: predicted)
        guard table.total > 0 else { return 0 }
        let matching = Hungarian.maximumWeightAssignment(weight: table.counts.map(Double.init),
                                                         rows: table.classes.count, columns: table.clusters.count)
        var agreeing = 0
        for (r, c) in matching.enumerated() { if let c { agreeing += table[r, c] } }
        return Double(agreeing) / Double(table.total)
    }

    /// Normalised mutual information with the arithmetic mean of the two entropies
    /// (scikit-learn's `normalized_mutual_info_score` default): 1 when both labelings are a single
    /// group, 0 when the mutual information is 0.
    public static func normalizedMutualInformation(truth: [Int], predicted: [Int]) -> Double {
        let table = ContingencyTable(truth: truth, predicted: predicted)
        if table.classes.count == table.clusters.count && table.classes.count <= 1 { return 1 }
        let mi = mutualInformation(table)
        if mi <= 0 { return 0 }
        let normalizer = (entropy(table.classSizes) + entropy(table.clusterSizes)) / 2
        return mi / max(normalizer, Double.ulpOfOne)
    }

    /// Mutual information (nats) of a contingency table.
    public static func mutualInformation(_ table: ContingencyTable) -> Double {
        let n = Double(table.total)
        let classSizes = table.classSizes.map(Double.init), clusterSizes = table.clusterSizes.map(Double.init)
        var mi = 0.0
        for r in 0..<table.classes.count {
            for c in 0..<table.clusters.count where table[r, c] > 0 {
                let nij = Double(table[r, c]), share = nij / n
                let logOuter = -log(classSizes[r] * clusterSizes[c]) + log(n) + log(n)
                mi += share * (log(nij) - log(n)) + share * logOuter
            }
        }
        return max(mi, 0)
    }

    /// Entropy (nats) of a labelling given its group sizes.
    public static func entropy(_ sizes: [Int]) -> Double {
        let n = Double(sizes.reduce(0, +))
        guard n > 0 else { return 1 }
        var h = 0.0
        for s in sizes where s > 0 { let p = Double(s) / n; h -= p * (log(Double(s)) - log(n)) }
        return h
    }

    /// Adjusted Rand index (scikit-learn's `adjusted_rand_score`): pair counting, adjusted for
    /// chance; 1 for identical partitions (also when both put all rows in one group).
    public static func adjustedRandIndex(truth: [Int], predicted: [Int]) -> Double {
        let table = ContingencyTable(truth: truth, predicted: predicted)
        let n = table.total
        let squares = table.counts.reduce(0) { $0 + $1 * $1 }
        let sameBoth = squares - n
        let sameClusterOnly = table.clusterSizes.reduce(0) { $0 + $1 * $1 } - squares
        let sameClassOnly = table.classSizes.reduce(0) { $0 + $1 * $1 } - squares
        let differentBoth = n * n - sameClusterOnly - sameClassOnly - squares
        if sameClusterOnly == 0 && sameClassOnly == 0 { return 1 }
        let (tp, fp, fn, tn) = (Double(sameBoth), Double(sameClusterOnly), Double(sameClassOnly), Double(differentBoth))
        return 2 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
    }
}
