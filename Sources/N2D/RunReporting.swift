import Collectives
import Foundation
import LinearAlgebra
import Storage

/// A missing input file, with where to get it.
public enum InputCheck {
    /// Throws on every rank when one of `paths` does not exist, saying how to obtain the preset's data.
    public static func requireInput(_ paths: [String], preset: Preset, world: Communicator) throws {
        try world.agreeing("input") {
            guard world.rank == 0, let path = paths.first(where: { !FileManager.default.fileExists(atPath: $0) }) else { return }
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

/// `config.json`: the job's configuration as it was resolved (the same encoding the stage
/// fingerprints hash), with the command line, the rank count and the versions; written by rank 0.
public enum RunConfigFile {
    public static let name = "config.json"

    public static func write(_ job: JobConfiguration, arguments: [String], world: Communicator) throws {
        let document = Document(job: job, command: ["n2d-mpi"] + arguments, ranks: world.size,
                                versions: ["mpi": world.libraryVersion, "openblas": BLAS.version])
        try OutputDirectory.prepare(job.outputDirectory, world: world)
        try world.agreeing("write config.json") {
            guard world.rank == 0 else { return }
            let bytes = try JobConfiguration.encoder(pretty: true).encode(document)
            try AtomicFile.write(Array(bytes) + [10], to: job.outputDirectory + "/" + name)
        }
    }

    /// The job's keys at the top level, beside the run's facts.
    struct Document: Encodable {
        var job: JobConfiguration
        var command: [String]
        var ranks: Int
        var versions: [String: String]

        private enum Keys: String, CodingKey { case command, ranks, versions }

        func encode(to encoder: Encoder) throws {
            try job.encode(to: encoder)
            var keyed = encoder.container(keyedBy: Keys.self)
            try keyed.encode(command, forKey: .command)
            try keyed.encode(ranks, forKey: .ranks)
            try keyed.encode(versions, forKey: .versions)
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
        text += "\n\nartifacts in \(directory): labels.csv codes.npy umap.npy history.csv metrics.json model.n2d model.ckpt config.json *.png"
        return text
    }
}
