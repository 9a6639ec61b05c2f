import Clustering
import Collectives
import Dispatch
import Evaluation
import Foundation
import LinearAlgebra
import Storage

/// The last N2D stage: DBSCAN, KMeans and (optionally) a Gaussian mixture on the UMAP embedding,
/// scored against true labels when there are any; writes `labels.csv` and the `cluster` section of
/// `metrics.json`.
///
/// Collective. Rank 0's `embedding` is used (other ranks may pass an empty matrix; it is broadcast).
/// KMeans and the mixture split the rows over the ranks (`RowPartition`); DBSCAN, the scores and the
/// files are rank 0's. Every rank returns the labels and sizes; rank 0's report also carries the
/// scores, notes and total time.
public enum ClusterStage {
    /// Runs the stage. `trueLabels` (rank 0's is used) must hold one label per row when given;
    /// `sourceIDs` (else the labels file's) fill labels.csv's `source_id` column. Failures on any rank
    /// end every rank with a `RankFailure`.
    public static func run(embedding: Matrix, trueLabels: TrueLabels?, sourceIDs: [String]? = nil,
                           settings: ClusterSettings, outputDirectory: String, world: Communicator) throws -> ClusterReport {
        let started = DispatchTime.now()
        let threads = BLAS.threads
        let points = RootMatrix.broadcast(embedding, world: world)
        let partition = RowPartition(total: points.rows, size: world.size)
        let ownRows = points.rows(partition.range(of: world.rank))
        var notes: [String] = []
        var outcomes: [ClusterReport.Outcome] = []
        var assignments = ClusterAssignments()

        try world.agreeing("cluster (settings)") {
            if settings.kmeansClusters > points.rows {
                throw ClusteringError("KMeans cannot make \(settings.kmeansClusters) clusters from \(points.rows) rows; lower --kmeans-clusters.")
            }
            if settings.gmmComponents > points.rows {
                throw ClusteringError("a Gaussian mixture of \(settings.gmmComponents) components needs at least as many rows (got \(points.rows)); lower --gmm-components.")
            }
            guard world.rank == 0 else { return }
            if let truth = trueLabels, truth.labels.count != points.rows {
                throw ClusteringError("\(truth.path) holds \(truth.labels.count) labels for \(points.rows) embedding rows.")
            }
            if let ids = sourceIDs, ids.count != points.rows {
                throw ClusteringError("\(ids.count) source ids were given for \(points.rows) embedding rows.")
            }
        }
        let dbscan = try world.agreeing("cluster (DBSCAN)") { () -> ClusterReport.Outcome? in
            guard world.rank == 0 else { return nil }
            let (outcome, assignment) = try runDBSCAN(points, settings: settings, threads: threads, notes: &notes)
            assignments.dbscan = assignment
            return outcome
        }
        outcomes.append(try broadcast(dbscan, world: world))

        let kmeansStart = DispatchTime.now()
        // KMeans and the mixture fail alike on every rank (what they decide on is summed over ranks),
        // so agreeing on their outcome cannot leave a rank waiting in their collectives.
        let kmeans = try world.agreeing("cluster (KMeans)") {
            try KMeans(clusters: settings.kmeansClusters, initializations: settings.kmeansInitializations,
                       seed: settings.seed, threads: threads).fit(points: ownRows, world: world)
        }
        assignments.kmeans = KMeansAssignment(centroids: kmeans.centroids)
        outcomes.append(ClusterReport.Outcome(
            name: "kmeans", labels: gatherLabels(kmeans.labels, world: world), sizes: kmeans.sizes,
            seconds: seconds(since: kmeansStart),
            details: ["n_init": settings.kmeansInitializations, "inertia": kmeans.inertia, "iterations": kmeans.iterations]))

        if settings.gmmComponents > 0 {
            let gmmStart = DispatchTime.now()
            let gmm = try world.agreeing("cluster (Gaussian mixture)") {
                try GaussianMixture(components: settings.gmmComponents, seed: settings.seed, threads: threads).fit(points: ownRows, world: world)
            }
            assignments.mixture = MixtureAssignment(weights: gmm.weights, means: gmm.means, covariances: gmm.covariances)
            outcomes.append(ClusterReport.Outcome(
                name: "gmm", labels: gatherLabels(gmm.labels, world: world), sizes: gmm.sizes,
                seconds: seconds(since: gmmStart),
                details: ["log_likelihood": gmm.logLikelihood, "iterations": gmm.iterations, "converged": gmm.converged]))
        }

        var report = ClusterReport(rows: points.rows, dims: points.cols, outcomes: outcomes,
                                   labelsSource: trueLabels?.path, notes: world.rank == 0 ? notes : [], seconds: 0,
                                   assignments: assignments)
        try world.agreeing("cluster (scores and files)") {
            guard world.rank == 0 else { return }
            try score(&report, points: points, trueLabels: trueLabels, settings: settings)
            report.seconds = seconds(since: started)
            try LabelsFile.write(report, trueLabels: trueLabels, sourceIDs: sourceIDs ?? trueLabels?.sourceIDs, to: outputDirectory + "/" + LabelsFile.name)
            try MetricsFile.update(directory: outputDirectory, section: "cluster", value: report.metricsSection)
        }
        return report
    }

    /// DBSCAN on all rows (rank 0), with the auto eps and the plain-language warnings.
    private static func runDBSCAN(_ points: Matrix, settings: ClusterSettings, threads: Int,
                                  notes: inout [String]) throws -> (ClusterReport.Outcome, DBSCANAssignment) {
        let start = DispatchTime.now()
        let minSamples = settings.dbscanMinSamples
        var details: [String: Any] = ["min_samples": minSamples]
        let eps: Float
        switch settings.dbscanEps {
        case .fixed(let value):
            eps = value
            details["eps_auto"] = false
        case .auto:
            let choice = try EpsilonEstimate.knee(points, minSamples: minSamples, threads: threads)
            eps = choice.eps
            details["eps_auto"] = true
            details["eps_knee_quantile"] = choice.quantile
            notes.append("--dbscan-eps auto chose eps \(format(eps)) (knee of the sorted distances to the \(minSamples)th neighbour, at \(String(format: "%.1f", 100 * choice.quantile))% of the rows).")
        }
        details["eps"] = Double(eps)
        let result = try DBSCAN(eps: eps, minSamples: minSamples, threads: threads).fit(points)
        if result.clusterCount == 0 {
            notes.append("DBSCAN (eps \(format(eps)), min_samples \(minSamples)) labelled every row noise: eps is too small for this embedding. Try --dbscan-eps auto or a larger --dbscan-eps.")
        } else if result.clusterCount == 1 {
            let noise = result.noiseCount == 0 ? "and no noise" : String(format: "and %.1f%% noise", 100 * result.noiseShare)
            notes.append("DBSCAN (eps \(format(eps)), min_samples \(minSamples)) found a single cluster \(noise): eps is too large for this embedding to separate groups. Try --dbscan-eps auto or a smaller --dbscan-eps.")
        }
        return (ClusterReport.Outcome(name: "dbscan", labels: result.labels, sizes: result.sizes, noiseShare: result.noiseShare,
                                      seconds: seconds(since: start), details: details),
                DBSCANAssignment(eps: eps, points: points, result: result))
    }

    /// ACC/NMI/ARI against the true labels (when given) and the silhouette, for every clusterer.
    private static func score(_ report: inout ClusterReport, points: Matrix, trueLabels: TrueLabels?, settings: ClusterSettings) throws {
        let truth = trueLabels?.codes
        for i in report.outcomes.indices {
            let labels = report.outcomes[i].labels
            let start = DispatchTime.now()
            if let truth {
                report.outcomes[i].accuracy = ClusteringScores.accuracy(truth: truth, predicted: labels)
                report.outcomes[i].nmi = ClusteringScores.normalizedMutualInformation(truth: truth, predicted: labels)
                report.outcomes[i].ari = ClusteringScores.adjustedRandIndex(truth: truth, predicted: labels)
            }
            report.outcomes[i].silhouette = Silhouette.score(points: points, labels: labels,
                                                             sampleSize: settings.silhouetteSample, seed: settings.seed, threads: BLAS.threads)
            report.outcomes[i].details["scoring_seconds"] = seconds(since: start)
        }
    }

    /// Rank 0's DBSCAN outcome (labels, sizes, noise, eps) on every rank.
    private static func broadcast(_ outcome: ClusterReport.Outcome?, world: Communicator) throws -> ClusterReport.Outcome {
        guard world.size > 1 else { return outcome! }
        var labels = (outcome?.labels ?? []).map { Int64($0) }
        var count = [Int64(labels.count)]
        world.broadcast(&count, root: 0)
        if world.rank != 0 { labels = [Int64](repeating: 0, count: Int(count[0])) }
        world.broadcast(&labels, root: 0)
        var numbers = [outcome?.seconds ?? 0, (outcome?.details["eps"] as? Double) ?? 0]
        world.broadcast(&numbers, root: 0)
        if let outcome { return outcome }
        let all = labels.map { Int($0) }
        let clusters = (all.max() ?? -1) + 1
        var sizes = [Int](repeating: 0, count: clusters)
        for l in all where l >= 0 { sizes[l] += 1 }
        return ClusterReport.Outcome(name: "dbscan", labels: all, sizes: sizes,
                                     noiseShare: all.isEmpty ? 0 : Double(all.filter { $0 < 0 }.count) / Double(all.count),
                                     seconds: numbers[0], details: ["eps": numbers[1]])
    }

    /// Every rank's labels of its own rows, in row order, on every rank.
    private static func gatherLabels(_ labels: [Int], world: Communicator) -> [Int] {
        world.allgather(labels.map { Int64($0) }).map { Int($0) }
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    private static func format(_ eps: Float) -> String { String(format: "%.4g", Double(eps)) }
}
