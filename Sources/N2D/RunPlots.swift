import Collectives
import Foundation
import LinearAlgebra
import Plotting
import TSNE
import UMAP

/// The run's pictures (rank 0 writes them): `loss.png` (training and validation loss per epoch) and
/// 2-d maps of the codes — a t-SNE of the codes (`--map tsne`, scikit-learn's defaults, as the
/// tutorial pipeline), or the embedding itself when it is 2-d, else a 2-d UMAP of the codes —
/// coloured by DBSCAN (`map_dbscan.png`), KMeans (`map_kmeans.png`), the mixture (`map_gmm.png`)
/// and the true labels (`map_true_labels.png`). The 2-d UMAP uses min_dist at least 0.1: with 0 (the
/// clustering setting) UMAP packs each cluster so tightly that a picture shows a few dots.
enum RunPlots {
    /// `codes` and `embedding`: every row's, on every rank.
    /// `baselines`: the reference pipeline's (`--baselines`); KMeans of the codes is drawn on the same
    /// map (`map_baseline_codes_kmeans.png`, the tutorial's fourth picture).
    static func draw(directory: String, codes: Matrix, embedding: Matrix, job: JobConfiguration, report: ClusterReport,
                     truth: TrueLabels?, baselines: [BaselineResult], world: Communicator) throws {
        let method = job.run.map
        let map = try twoDimensional(codes, embedding: embedding, job: job, world: world)
        let (name, axis) = ("a 2-d \(method.title) of the codes", method.title)
        try world.agreeing("plots") {
            guard world.rank == 0 else { return }
            try drawLoss(directory: directory)
            let x = (0..<map.rows).map { map[$0, 0] }, y = (0..<map.rows).map { map[$0, 1] }
            for outcome in report.outcomes {
                let title = "N2D: \(outcome.name.uppercased()) clusters on \(name)"
                try ScatterPlot(title: title, xLabel: "\(axis) 1", yLabel: "\(axis) 2", x: x, y: y, labels: outcome.labels)
                    .write(to: directory + "/map_\(outcome.name).png")
            }
            if let onCodes = baselines.first(where: { $0.name == "kmeans on codes" }), let labels = onCodes.labels {
                try ScatterPlot(title: "Baseline: KMeans (\(onCodes.clusters)) of the codes, on \(name)", xLabel: "\(axis) 1",
                                yLabel: "\(axis) 2", x: x, y: y, labels: labels)
                    .write(to: directory + "/map_baseline_codes_kmeans.png")
            }
            if let truth {
                let codes = truth.codes
                var names: [Int: String] = [:]
                for (code, label) in zip(codes, truth.labels) where names[code] == nil { names[code] = label }
                try ScatterPlot(title: "True labels on \(name)", xLabel: "\(axis) 1", yLabel: "\(axis) 2",
                                x: x, y: y, labels: codes, labelNames: names)
                    .write(to: directory + "/map_true_labels.png")
            }
        }
    }

    /// The tutorial's first picture (`--baselines` with `--map tsne`): the baseline KMeans on the raw
    /// features, drawn on a t-SNE of the raw features themselves (sparse counts stay sparse, and
    /// start at random as scikit-learn requires), `map_baseline_raw_kmeans.png`. A collective.
    static func drawRawBaseline(directory: String, features: FeatureMatrix, baseline: BaselineResult, job: JobConfiguration,
                                world: Communicator) throws {
        let all = Baselines.allGathered(features, world: world)
        Console.say("plots: t-SNE of the raw features (\(all.rows) rows × \(all.cols) columns)")
        let map = try tsne(all, seed: job.seed, world: world)
        try world.agreeing("plots: raw baseline") {
            guard world.rank == 0, let labels = baseline.labels else { return }
            let x = (0..<map.rows).map { map[$0, 0] }, y = (0..<map.rows).map { map[$0, 1] }
            try ScatterPlot(title: "Baseline: KMeans (\(baseline.clusters)) of the raw features, on their t-SNE",
                            xLabel: "t-SNE 1", yLabel: "t-SNE 2", x: x, y: y, labels: labels)
                .write(to: directory + "/map_baseline_raw_kmeans.png")
        }
    }

    /// The 2-d map of the codes the pictures are drawn on (a collective).
    static func twoDimensional(_ codes: Matrix, embedding: Matrix, job: JobConfiguration, world: Communicator) throws -> Matrix {
        switch job.run.map {
        case .tsne:
            Console.say("plots: t-SNE of the codes (\(codes.rows) rows)")
            return try tsne(.dense(codes), seed: job.seed, world: world)
        case .umap:
            if embedding.cols == 2 { return embedding }
            var parameters = job.umap
            parameters.components = 2
            parameters.minDist = max(parameters.minDist, 0.1)
            Console.say("plots: 2-d UMAP of the codes (\(codes.rows) rows)")
            return try onOneRankPerMachine("plots: 2-d UMAP", rows: codes.rows, world: world) { leaders, threads in
                try UMAP.fit(codes: codes, parameters: parameters, world: leaders, threads: threads).embedding
            }
        }
    }

    /// t-SNE with scikit-learn's defaults and the run's seed, with a progress line.
    static func tsne(_ features: FeatureMatrix, seed: UInt32, world: Communicator) throws -> Matrix {
        var parameters = TSNEParameters()
        parameters.seed = UInt64(seed)
        return try onOneRankPerMachine("plots: t-SNE", rows: features.rows, world: world) { leaders, threads in
            var line: ProgressLine?
            let result = try TSNE.fit(features, parameters: parameters, world: leaders, threads: threads) { event in
                guard world.rank == 0, case let .iteration(done, total, _) = event else { return }
                if line == nil { line = ProgressLine(label: "t-SNE", total: total, unit: "iterations", enabled: Console.showsProgress) }
                line?.update(done)
            }
            line?.finish(result.iterations)
            return result.embedding
        }
    }

    /// A map computed on one rank per machine with the threads of all its ranks, while the others
    /// wait without taking a core (`Communicator.onOneRankPerMachine`): the pictures' maps repeat
    /// most of their work on every rank, so oversubscribed ranks (8 on 2 cores) made them several
    /// times slower than one process. On every rank.
    static func onOneRankPerMachine(_ stage: String, rows: Int, world: Communicator,
                                    _ fit: (Communicator, Int) throws -> Matrix) throws -> Matrix {
        let threads = MachineShare.threads(world)
        let values = try world.onOneRankPerMachine(stage, count: 2 * rows) { leaders in try fit(leaders, threads).storage }
        return Matrix(rows: rows, cols: 2, storage: values)
    }

    /// `loss.png` from `history.csv` (epoch, loss, val_loss, seconds).
    static func drawLoss(directory: String) throws {
        guard let text = try? String(contentsOfFile: directory + "/history.csv", encoding: .utf8) else { return }
        var epochs: [Double] = [], loss: [Double] = [], validation: [Double] = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 3, let epoch = Double(fields[0]), let value = Double(fields[1]) else { continue }
            epochs.append(epoch)
            loss.append(value)
            validation.append(Double(fields[2]) ?? .nan)
        }
        var chart = LineChart(title: "Autoencoder loss", xLabel: "epoch", yLabel: "mean squared error")
        chart.addSeries(name: "training", x: epochs, y: loss)
        if validation.contains(where: { $0.isFinite }) { chart.addSeries(name: "validation", x: epochs, y: validation) }
        try chart.write(to: directory + "/loss.png")
    }
}
