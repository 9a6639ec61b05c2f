import Clustering
import Foundation

/// The fitted clusterers, as a model keeps them.
public struct ClusterAssignments {
    public var kmeans: KMeansAssignment?
    public var mixture: MixtureAssignment?
    public var dbscan: DBSCANAssignment?

    public init(kmeans: KMeansAssignment? = nil, mixture: MixtureAssignment? = nil, dbscan: DBSCANAssignment? = nil) {
        self.kmeans = kmeans
        self.mixture = mixture
        self.dbscan = dbscan
    }
}

/// What the cluster stage found: per clusterer its labels (all rows), sizes, scores and time.
public struct ClusterReport {
    /// One clusterer's outcome.
    public struct Outcome {
        public var name: String
        /// Label per row (−1 = DBSCAN noise).
        public var labels: [Int]
        public var sizes: [Int]
        public var noiseShare: Double?
        public var accuracy: Double?
        public var nmi: Double?
        public var ari: Double?
        public var silhouette: Double?
        public var seconds: Double
        /// Clusterer-specific numbers for metrics.json (eps, inertia, log-likelihood, …).
        public var details: [String: Any]

        public var clusterCount: Int { sizes.count }

        /// The metrics.json entry.
        var json: [String: Any] {
            var entry = details
            entry["clusters"] = clusterCount
            entry["sizes"] = sizes
            entry["seconds"] = seconds
            if let noiseShare { entry["noise_share"] = noiseShare; entry["noise"] = labels.filter { $0 < 0 }.count }
            if let accuracy { entry["acc"] = accuracy }
            if let nmi { entry["nmi"] = nmi }
            if let ari { entry["ari"] = ari }
            entry["silhouette"] = silhouette ?? NSNull()
            return entry
        }
    }

    public var rows: Int
    public var dims: Int
    public var outcomes: [Outcome]
    /// Where the true labels came from, when there were any.
    public var labelsSource: String?
    /// Plain-language remarks for the user (the auto eps chosen, a degenerate DBSCAN result).
    public var notes: [String]
    public var seconds: Double
    /// What places new points into these clusters (the model's clusterers; DBSCAN's on rank 0 only).
    public var assignments = ClusterAssignments()

    /// The `cluster` section of metrics.json.
    public var metricsSection: [String: Any] {
        var section: [String: Any] = ["rows": rows, "dims": dims, "seconds": seconds, "notes": notes]
        section["true_labels"] = labelsSource ?? NSNull()
        for outcome in outcomes { section[outcome.name] = outcome.json }
        return section
    }

    /// A small fixed-width table, one line per clusterer, then the notes.
    public var summary: String {
        func cell(_ value: Double?, _ digits: Int = 4) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
        var lines = [["clusterer", "clusters", "noise", "ACC", "NMI", "ARI", "silhouette", "seconds"]
            .enumerated().map { pad($1, $0 == 0 ? 10 : 11) }.joined()]
        for o in outcomes {
            let noise = o.noiseShare.map { String(format: "%.1f%%", 100 * $0) } ?? "-"
            let cells = [o.name, String(o.clusterCount), noise, cell(o.accuracy), cell(o.nmi), cell(o.ari), cell(o.silhouette), cell(o.seconds, 2)]
            lines.append(cells.enumerated().map { pad($1, $0 == 0 ? 10 : 11) }.joined())
        }
        return (lines + notes.map { "note: " + $0 }).joined(separator: "\n")
    }
}
