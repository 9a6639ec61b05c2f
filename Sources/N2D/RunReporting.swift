import Collectives
import Foundation
import LinearAlgebra
import Storage

/// A missing input file, with where to get it.
public enum InputCheck {
    /// Throws on every rank when `path` does not exist, saying how to obtain the preset's data.
    public static func requireInput(_ path: String, preset: Preset, world: Communicator) throws {
        try world.agreeing("input") {
            guard world.rank == 0, !FileManager.default.fileExists(atPath: path) else { return }
            throw FileError(path: path, problem: "no such file. " + hint(for: path, preset: preset))
        }
    }

    static func hint(for path: String, preset: Preset) -> String {
        if path.hasPrefix("/usr/share/datasets/fashion-mnist") {
            return "Fashion-MNIST comes from Debian's package: apt-get install dataset-fashion-mnist (Scripts/setup.sh installs it)."
        }
        if preset == .imdb {
            return "The IMDB CSV (50,000 reviews, columns review,sentiment) is made by Scripts/get-imdb.sh from the Large Movie Review Dataset (ai.stanford.edu/~amaas/data/sentiment/); pass its path with --input."
        }
        return "Pass the input file with --input."
    }
}

/// `config.json`: every parameter of the run, the rank count and the versions, written by rank 0.
public enum RunConfigFile {
    public static func write(_ settings: RunSettings, arguments: [String], world: Communicator) throws {
        let training = settings.training(0)
        let data = settings.data
        var dataSection: [String: Any] = [
            "input": data.path, "format": data.format?.rawValue ?? "inferred", "text_column": data.textColumn,
            "labels": String(describing: data.labelColumn), "max_features": data.maxFeatures, "test_size": data.testSize,
            "validation_rows": data.validationRows,
        ]
        if let maxRows = data.maxRows { dataSection["max_rows"] = maxRows }
        let u = settings.umap
        let c = settings.cluster
        let document: [String: Any] = [
            "command": ["n2d-mpi"] + arguments,
            "preset": settings.preset.rawValue,
            "seed": Int(data.seed),
            "ranks": world.size,
            "versions": ["mpi": world.libraryVersion, "openblas": BLAS.version],
            "data": dataSection,
            "autoencoder": [
                "hidden": training.architecture.hidden, "bottleneck": training.architecture.bottleneck,
                "epochs": training.epochs, "batch_size": training.batchSize, "batch_mode": training.batchMode.rawValue,
                "learning_rate": Double(training.adam.learningRate), "communication": training.communication.rawValue,
            ] as [String: Any],
            "umap": [
                "components": u.components, "neighbors": u.neighbors, "min_dist": Double(u.minDist), "spread": Double(u.spread),
                "epochs": u.epochs.map { $0 as Any } ?? "auto", "metric": u.metric.rawValue, "knn": u.knn.rawValue,
            ] as [String: Any],
            "cluster": [
                "dbscan_eps": String(describing: c.dbscanEps), "dbscan_min_samples": c.dbscanMinSamples,
                "kmeans_clusters": c.kmeansClusters, "kmeans_n_init": c.kmeansInitializations, "gmm_components": c.gmmComponents,
            ] as [String: Any],
            "output_dir": settings.outputDirectory, "force": settings.force, "baselines": settings.baselines,
        ]
        try Pipeline.prepareOutputDirectory(settings.outputDirectory, world: world)
        try world.agreeing("write config.json") {
            guard world.rank == 0 else { return }
            let bytes = try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
            try AtomicFile.write(Array(bytes) + [10], to: settings.outputDirectory + "/config.json")
        }
    }
}

/// The summary table printed at the end of `run`.
public enum RunSummary {
    public static func text(_ report: Pipeline.Report, directory: String) -> String {
        var stages = TextTable(title: "n2d-mpi: \(report.rows) rows on \(report.ranks) rank(s)", header: ["stage", "seconds"])
        for (name, seconds) in report.stageSeconds {
            stages.add([name + (report.skipped.contains(name) ? " (skipped)" : ""), fixed(seconds, 2)])
        }
        for name in report.skipped { stages.add([name + " (skipped: artifacts current)", "-"]) }
        var clusters = TextTable(header: ["clusterer", "clusters", "noise", "ACC", "NMI", "ARI", "silhouette"])
        func cell(_ value: Double?) -> String { value.map { fixed($0, 4) } ?? "-" }
        for o in report.cluster.outcomes {
            clusters.add([o.name, String(o.clusterCount), o.noiseShare.map { fixed(100 * $0, 1) + "%" } ?? "-",
                          cell(o.accuracy), cell(o.nmi), cell(o.ari), cell(o.silhouette)])
        }
        for b in report.baselines {
            clusters.add([b.name, String(b.clusters), "-", cell(b.accuracy), cell(b.nmi), cell(b.ari), "-"])
        }
        var text = stages.render() + "\n\n" + clusters.render()
        for note in report.cluster.notes { text += "\nnote: " + note }
        text += "\n\nartifacts in \(directory): labels.csv codes.npy umap.npy history.csv metrics.json model.ckpt config.json *.png"
        return text
    }
}
