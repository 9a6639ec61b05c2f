import Collectives
import Foundation
import LinearAlgebra
import Neighbors
import Storage
import UMAP

/// The embed stage: UMAP of the autoencoder codes (or any matrix) across ranks. Rank 0 writes
/// `umap.npy` (and `knn.npy`, the neighbour indices, when asked) and the "embed" section of
/// `metrics.json`; it shows the kNN method, the initialisation and a progress line.
public enum EmbedStage {
    /// Runs the stage on `codes` (whole on every rank); a collective. Returns the UMAP result
    /// (embedding complete on every rank).
    @discardableResult
    public static func run(codes: Matrix, parameters: UMAPParameters, outputDirectory: String, saveKNN: Bool = false,
                           world: Communicator) throws -> UMAPResult {
        let started = Date()
        try world.agreeing("embed: parameters") { try parameters.validate(rows: codes.rows) }
        let threads = BLAS.threads
        let isRoot = world.rank == 0
        var layoutLine: ProgressLine?
        let result = try UMAP.fit(codes: codes, parameters: parameters, world: world, threads: threads) { event in
            guard isRoot else { return }
            switch event {
            case let .neighbors(method, rows):
                Console.say("embed: \(method.rawValue) kNN (\(parameters.knn == .auto ? "auto: " : "")\(rows) rows, k = \(parameters.neighbors)) on \(world.size) rank(s) × \(threads) thread(s)")
            case let .neighborRound(round, rounds, changed):
                Console.say("embed: NN-descent round \(round)/\(rounds): \(changed) neighbour entries changed")
            case let .initialisation(method):
                Console.say("embed: initialisation: \(method)")
            case let .epoch(done, total):
                if layoutLine == nil { layoutLine = ProgressLine(label: "umap layout", total: total, unit: "epochs", enabled: Console.showsProgress) }
                if done == total { layoutLine?.finish() } else { layoutLine?.update(done) }
            }
        }
        let knnIndices = saveKNN ? world.gather(result.neighbors.indices, root: 0) : nil
        try world.agreeing("embed: write artifacts") {
            guard isRoot else { return }
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(NPY.encode(result.embedding), to: outputDirectory + "/umap.npy")
            if let knnIndices {
                try AtomicFile.write(NPY.encode(knnIndices.map(Int64.init), shape: [codes.rows, parameters.neighbors]),
                                     to: outputDirectory + "/knn.npy")
            }
            try MetricsFile.update(directory: outputDirectory, section: "embed",
                                   value: metrics(result, parameters: parameters, codes: codes, world: world, threads: threads,
                                                  seconds: Date().timeIntervalSince(started)))
        }
        return result
    }

    static func metrics(_ result: UMAPResult, parameters p: UMAPParameters, codes: Matrix, world: Communicator, threads: Int,
                        seconds: Double) -> [String: Any] {
        [
            "rows": codes.rows, "input_dims": codes.cols,
            "components": p.components, "neighbors": p.neighbors, "min_dist": Double(p.minDist),
            "spread": Double(p.spread), "epochs": result.epochs, "metric": p.metric.rawValue,
            "knn": result.knnMethod.rawValue, "knn_requested": p.knn.rawValue, "initialisation": result.initialisation,
            "seed": Int(p.seed), "ranks": world.size, "threads_per_rank": threads, "graph_edges": result.edges,
            "seconds": result.seconds.merging(["total": seconds]) { $1 },
        ]
    }
}
