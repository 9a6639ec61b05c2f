/// Counts of rows per (true class, predicted cluster) pair. Classes and clusters are the distinct
/// label values, sorted ascending; any integers are allowed (DBSCAN noise −1 is a cluster of its own
/// here, as in scikit-learn's metrics).
public struct ContingencyTable: Sendable {
    /// The distinct true labels, ascending.
    public let classes: [Int]
    /// The distinct predicted labels, ascending.
    public let clusters: [Int]
    /// `classes.count × clusters.count` counts, row-major.
    public let counts: [Int]
    /// The number of rows.
    public let total: Int

    /// Builds the table; `truth` and `predicted` must have the same length.
    public init(truth: [Int], predicted: [Int]) {
        precondition(truth.count == predicted.count, "label vectors differ in length (\(truth.count) and \(predicted.count))")
        classes = Array(Set(truth)).sorted()
        clusters = Array(Set(predicted)).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let clusterIndex = Dictionary(uniqueKeysWithValues: clusters.enumerated().map { ($1, $0) })
        var counts = [Int](repeating: 0, count: classes.count * clusters.count)
        for (t, p) in zip(truth, predicted) { counts[classIndex[t]! * clusters.count + clusterIndex[p]!] += 1 }
        self.counts = counts
        total = truth.count
    }

    public subscript(row: Int, column: Int) -> Int { counts[row * clusters.count + column] }

    /// Rows per class.
    public var classSizes: [Int] { (0..<classes.count).map { r in (0..<clusters.count).reduce(0) { $0 + self[r, $1] } } }
    /// Rows per cluster.
    public var clusterSizes: [Int] { (0..<clusters.count).map { c in (0..<classes.count).reduce(0) { $0 + self[$1, c] } } }
}
