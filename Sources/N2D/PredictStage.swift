import Clustering
import Collectives
import Datasets
import Evaluation
import Foundation
import Isomap
import LinearAlgebra
import Storage
import TextFeatures
import UMAP

/// `n2d-mpi predict`: new rows into a model's embedding and clusters. Each rank places its own block
/// of the rows against the whole model (vectorize with the stored vocabulary → encode → UMAP
/// transform, or Isomap's placement → nearest centroid, mixture responsibilities, nearest core
/// point); rank 0 gathers them
/// in row order and writes `labels.csv`, `codes.npy`, `umap.npy` and the "predict" section of
/// `metrics.json`. Rows are placed independently of each other, so the files are the same bytes at
/// any rank count. Nothing is written when anything fails.
public enum PredictStage {
    public struct Options {
        public var modelDirectory: String
        public var input: String?
        public var format: DataFormat?
        public var selection: RowSelection
        public var outputDirectory: String
        public var threads: Int

        public init(modelDirectory: String, input: String?, format: DataFormat?, selection: RowSelection,
                    outputDirectory: String, threads: Int) {
            self.modelDirectory = modelDirectory
            self.input = input
            self.format = format
            self.selection = selection
            self.outputDirectory = outputDirectory
            self.threads = threads
        }
    }

    /// What was placed (complete on rank 0).
    public struct Report {
        public var rows: Int
        public var outcomes: [ClusterReport.Outcome]
        public var seconds: [(String, Double)]
    }

    public static func run(_ options: Options, world: Communicator) throws -> Report {
        var timer = StageTimer()
        let started = Date()
        let model = try timer.time("model") { try broadcastModel(from: options.modelDirectory, world: world) }
        if model.job.manifold == .isomap, model.isomapPlacement == nil {
            throw RankFailure(rank: 0, stage: "predict", message: "the model's Isomap embedding holds no placement of new rows (\(EmbedStage.placementFile) was missing when it was written, or an older n2d-mpi wrote it); run the job again with --force to make a model predict can use")
        }
        var spec = model.job.data
        if let input = options.input, [input] != spec.paths {
            spec.paths = [input]
            spec.format = options.format ?? DataFormat.inferred(fromPath: input)
        } else if let format = options.format {
            spec.format = format
        }
        let vocabulary = model.vocabulary.map { Vocabulary(terms: $0, corpusCounts: [Int64](repeating: 0, count: $0.count)) }
        let rows = try timer.time("vectorize") {
            try Dataset.loadRows(spec, selection: options.selection, vocabulary: vocabulary, columns: model.architecture.inputWidth,
                                 modelInputRows: model.inputRows, world: world)
        }
        let codes = timer.time("encode") { model.autoencoder.encode(rows.features, firstRow: rows.rows.lowerBound, threads: options.threads) }
        let embedding = try timer.time("transform") { () throws -> Matrix in
            guard let placement = model.isomapPlacement else {
                return transform(codes, rows: rows, model: model, threads: options.threads, world: world)
            }
            let placed = try world.agreeing("predict: Isomap placement") {
                try Isomap.place(codes, training: model.trainingCodes, neighbors: model.job.isomap.neighbors, placement: placement,
                                 world: world, threads: options.threads)
            }
            return Matrix(rows: codes.rows, cols: placement.components, storage: placed.map { Float($0) })
        }
        let placed = try timer.time("assign") { try assign(embedding, model: model) }

        // Rank 0 gathers every rank's rows in rank order, which is row order.
        let allCodes = world.gather(codes.storage, root: 0)
        let allEmbedding = world.gather(embedding.storage, root: 0)
        let sources = world.gather(rows.sourceRows.map(Int64.init), root: 0)
        // In the same order on every rank (a dictionary's order differs from process to process).
        var columns: [String: [Int]] = [:]
        for name in LabelsFile.clusterers {
            guard let own = placed.columns[name] else { continue }
            if let all = world.gather(own.map(Int64.init), root: 0) { columns[name] = all.map { Int($0) } }
        }
        let probabilities = placed.probability.flatMap { world.gather($0, root: 0) }
        let truth = gatherLabels(rows, world: world)
        var outcomes: [ClusterReport.Outcome] = []
        try world.agreeing("write predictions") {
            guard world.rank == 0, let allCodes, let allEmbedding, let sources else { return }
            let n = rows.total
            let gathered = ClusterColumns(columns: columns, probability: probabilities)
            outcomes = score(gathered, truth: truth, model: model)
            let directory = options.outputDirectory
            try OutputDirectory.create(directory)
            try AtomicFile.write(NPY.encode(Matrix(rows: n, cols: codes.cols, storage: allCodes)), to: directory + "/codes.npy")
            try AtomicFile.write(NPY.encode(Matrix(rows: n, cols: embedding.cols, storage: allEmbedding)), to: directory + "/umap.npy")
            try writeLabels(gathered, sources: sources.map { Int($0) }, truth: truth, to: directory + "/" + LabelsFile.name)
            timer.record("total", Date().timeIntervalSince(started))
            try MetricsFile.update(directory: directory, section: "predict", value: metricsSection(
                outcomes, rows: n, options: options, input: spec.inputName, seconds: timer.entries))
        }
        return Report(rows: rows.total, outcomes: outcomes, seconds: timer.entries)
    }

    /// The UMAP transform of this rank's rows with the whole request's numbers (its row count, the
    /// mean kNN distance that floors σ, the strongest membership that prunes), each agreed exactly
    /// over ranks (the distance sum in fixed point), so any rank count places every row alike.
    static func transform(_ codes: Matrix, rows: PredictionRows, model: N2DModel, threads: Int, world: Communicator) -> Matrix {
        let parameters = model.job.umap
        let local = UMAP.transformGraph(codes, trainingCodes: model.trainingCodes, parameters: parameters, threads: threads)
        let scale = 1048576.0  // 2^20
        let fixedSum = world.allreduce(local.distances.reduce(Int64(0)) { $0 + Int64((Double($1) * scale).rounded()) }, op: .sum)
        let count = world.allreduce(local.distances.count, op: .sum)
        let graph = local.withMeanDistance(Double(fixedSum) / scale / Double(max(count, 1)))
        let strongest = world.allreduce(graph.memberships.max() ?? 0, op: .max)
        return UMAP.transform(graph: graph, trainingEmbedding: model.trainingEmbedding, parameters: parameters,
                              totalRows: rows.total, strongestMembership: strongest, firstRow: rows.rows.lowerBound,
                              threads: threads).embedding
    }

    /// Every row's label text on rank 0 (nil elsewhere, or when the rows have none).
    static func gatherLabels(_ rows: PredictionRows, world: Communicator) -> [String]? {
        let has = world.allreduce(rows.labels == nil ? 0 : 1, op: .min) == 1
        guard has else { return nil }
        let own = (rows.labels ?? []).map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n")
        guard let texts = world.gather(own, root: 0) else { return nil }
        let partition = RowPartition(total: rows.total, size: world.size)
        return texts.enumerated().flatMap { rank, text -> [String] in
            partition.range(of: rank).isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// Rank 0 reads the model file once; every rank decodes (and checks) the same bytes, so no
    /// shared filesystem is needed and a damaged model is refused alike on every rank.
    static func broadcastModel(from directory: String, world: Communicator) throws -> N2DModel {
        let path = directory + "/" + ModelFile.name
        var bytes = try world.agreeing("read the model") { () -> [UInt8] in
            world.rank == 0 ? try ModelFile.bytes(directory: directory) : []
        }
        var count = [Int64(bytes.count)]
        world.broadcast(&count, root: 0)
        if world.rank != 0 { bytes = [UInt8](repeating: 0, count: Int(count[0])) }
        world.broadcast(&bytes, root: 0)
        return try world.agreeing("read the model") { try ModelFile.decode(bytes, path: path) }
    }

    /// Each clusterer's labels of the rows (and the mixture's probability of its label).
    struct ClusterColumns {
        var columns: [String: [Int]]
        var probability: [Double]?
    }

    static func assign(_ embedding: Matrix, model: N2DModel) throws -> ClusterColumns {
        var columns: [String: [Int]] = [:]
        var probability: [Double]?
        if let dbscan = model.clusters.dbscan { columns["dbscan"] = dbscan.labels(embedding) }
        if let kmeans = model.clusters.kmeans { columns["kmeans"] = kmeans.labels(embedding) }
        if let mixture = model.clusters.mixture {
            let (labels, responsibilities) = try mixture.assign(embedding)
            columns["gmm"] = labels
            probability = labels.enumerated().map { responsibilities[$0.offset * mixture.components + $0.element] }
        }
        return ClusterColumns(columns: columns, probability: probability)
    }

    /// Counts per cluster, the noise share, and the scores when the rows have labels.
    static func score(_ placed: ClusterColumns, truth: [String]?, model: N2DModel) -> [ClusterReport.Outcome] {
        let codes = truth.map { TrueLabels(labels: $0, path: "").codes }
        return LabelsFile.clusterers.compactMap { name -> ClusterReport.Outcome? in
            guard let labels = placed.columns[name] else { return nil }
            let clusters = max((labels.max() ?? -1) + 1, name == "kmeans" ? model.clusters.kmeans?.centroids.rows ?? 0 : 0,
                               name == "gmm" ? model.clusters.mixture?.components ?? 0 : 0)
            var sizes = [Int](repeating: 0, count: clusters)
            for l in labels where l >= 0 { sizes[l] += 1 }
            let noise = labels.filter { $0 < 0 }.count
            var outcome = ClusterReport.Outcome(name: name, labels: labels, sizes: sizes,
                                                noiseShare: name == "dbscan" ? Double(noise) / Double(max(labels.count, 1)) : nil,
                                                seconds: 0, details: [:])
            if let codes, !labels.isEmpty {
                outcome.accuracy = ClusteringScores.accuracy(truth: codes, predicted: labels)
                outcome.nmi = ClusteringScores.normalizedMutualInformation(truth: codes, predicted: labels)
                outcome.ari = ClusteringScores.adjustedRandIndex(truth: codes, predicted: labels)
            }
            return outcome
        }
    }

    /// `row,source_id,true_label,dbscan,kmeans,gmm,gmm_probability` (empty cells for what the model lacks).
    static func writeLabels(_ placed: ClusterColumns, sources: [Int], truth: [String]?, to path: String) throws {
        var text = "row,source_id,true_label," + LabelsFile.clusterers.joined(separator: ",") + ",gmm_probability\n"
        for row in sources.indices {
            text += "\(row),\(sources[row]),\((truth?[row]).map(CSVLine.escape) ?? "")"
            for name in LabelsFile.clusterers {
                text += ","
                if let column = placed.columns[name] { text += String(column[row]) }
            }
            text += ","
            if let p = placed.probability?[row] { text += String(format: "%.6g", p) }
            text += "\n"
        }
        try AtomicFile.write(text, to: path)
    }

    static func metricsSection(_ outcomes: [ClusterReport.Outcome], rows: Int, options: Options, input: String,
                               seconds: [(String, Double)]) -> [String: Any] {
        var section: [String: Any] = [
            "model": options.modelDirectory, "input": input, "split": options.selection.rawValue, "rows": rows,
            "seconds": Dictionary(seconds, uniquingKeysWith: { $1 }),
        ]
        for o in outcomes { section[o.name] = o.json }
        return section
    }
}

extension PredictStage {
    /// The table printed at the end of `predict`.
    public static func summary(_ report: Report, directory: String) -> String {
        var table = TextTable(title: "n2d-mpi predict: \(report.rows) rows", header: ["clusterer", "clusters used", "noise", "ACC", "NMI", "ARI"])
        func cell(_ value: Double?) -> String { value.map { fixed($0, 4) } ?? "-" }
        for o in report.outcomes {
            table.add([o.name, String(o.sizes.filter { $0 > 0 }.count), o.noiseShare.map { fixed(100 * $0, 1) + "%" } ?? "-",
                       cell(o.accuracy), cell(o.nmi), cell(o.ari)])
        }
        let seconds = report.seconds.map { "\($0.0) \(fixed($0.1, 2)) s" }.joined(separator: ", ")
        return table.render() + "\n\n" + seconds + "\nwrote labels.csv codes.npy umap.npy metrics.json to \(directory)"
    }
}
