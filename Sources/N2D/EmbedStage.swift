import Collectives
import Foundation
import LinearAlgebra
import Neighbors
import Storage
import UMAP

/// The embed stage: UMAP of the autoencoder codes (or any `.npy` matrix) across ranks. Rank 0 reads the
/// codes and writes `umap.npy` (and `knn.npy`, the neighbour indices, when asked) and the "embed"
/// section of `metrics.json`; it shows the kNN method, the initialisation and a progress line.
public enum EmbedStage {
    /// What to embed and where the artifacts go.
    public struct Options {
        /// Folder of the artifacts (created if missing).
        public var outputDirectory: String
        /// The input matrix; nil reads `codes.npy` from `outputDirectory`.
        public var codesPath: String?
        public var parameters: UMAPParameters
        /// Also write `knn.npy` (N × k int64, the point itself first).
        public var saveKNN: Bool

        public init(outputDirectory: String, codesPath: String? = nil, parameters: UMAPParameters = UMAPParameters(),
                    saveKNN: Bool = false) {
            self.outputDirectory = outputDirectory
            self.codesPath = codesPath
            self.parameters = parameters
            self.saveKNN = saveKNN
        }

        /// The file the codes are read from.
        public var inputPath: String { codesPath ?? outputDirectory + "/codes.npy" }
    }

    /// Runs the stage; a collective. Returns the UMAP result (embedding complete on every rank).
    @discardableResult
    public static func run(_ options: Options, world: Communicator) throws -> UMAPResult {
        let started = Date()
        let codes = try Pipeline.readRootMatrix(options.inputPath, world: world)
        try world.agreeing("embed: parameters") { try options.parameters.validate(rows: codes.rows) }
        let threads = BLAS.threads
        let isRoot = world.rank == 0
        var layoutLine: ProgressLine?
        let result = try UMAP.fit(codes: codes, parameters: options.parameters, world: world, threads: threads) { event in
            guard isRoot else { return }
            switch event {
            case let .neighbors(method, rows):
                Console.say("embed: \(method.rawValue) kNN (\(options.parameters.knn == .auto ? "auto: " : "")\(rows) rows, k = \(options.parameters.neighbors)) on \(world.size) rank(s) × \(threads) thread(s)")
            case let .neighborRound(round, rounds, changed):
                Console.say("embed: NN-descent round \(round)/\(rounds): \(changed) neighbour entries changed")
            case let .initialisation(method):
                Console.say("embed: initialisation: \(method)")
            case let .epoch(done, total):
                if layoutLine == nil { layoutLine = ProgressLine(label: "umap layout", total: total, unit: "epochs", enabled: Console.showsProgress) }
                if done == total { layoutLine?.finish() } else { layoutLine?.update(done) }
            }
        }
        let knnIndices = options.saveKNN ? world.gather(result.neighbors.indices, root: 0) : nil
        try world.agreeing("embed: write artifacts") {
            guard isRoot else { return }
            try FileManager.default.createDirectory(atPath: options.outputDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(NPY.encode(result.embedding), to: options.outputDirectory + "/umap.npy")
            if let knnIndices {
                try AtomicFile.write(NPY.encode(knnIndices.map(Int64.init), shape: [codes.rows, options.parameters.neighbors]),
                                     to: options.outputDirectory + "/knn.npy")
            }
            try MetricsFile.update(directory: options.outputDirectory, section: "embed",
                                   value: metrics(result, options: options, codes: codes, world: world, threads: threads,
                                                  seconds: Date().timeIntervalSince(started)))
        }
        return result
    }

    static func metrics(_ result: UMAPResult, options: Options, codes: Matrix, world: Communicator, threads: Int,
                        seconds: Double) -> [String: Any] {
        let p = options.parameters
        return [
            "input": options.inputPath, "rows": codes.rows, "input_dims": codes.cols,
            "components": p.components, "neighbors": p.neighbors, "min_dist": Double(p.minDist),
            "spread": Double(p.spread), "epochs": result.epochs, "metric": p.metric.rawValue,
            "knn": result.knnMethod.rawValue, "knn_requested": p.knn.rawValue, "initialisation": result.initialisation,
            "seed": Int(p.seed), "ranks": world.size, "threads_per_rank": threads, "graph_edges": result.edges,
            "seconds": result.seconds.merging(["total": seconds]) { $1 },
        ]
    }
}
