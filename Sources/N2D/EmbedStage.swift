import Collectives
import Foundation
import Isomap
import LinearAlgebra
import Neighbors
import Storage
import UMAP

/// The embed stage: UMAP of the autoencoder codes (or any matrix) across ranks. Rank 0 writes
/// `umap.npy` (and `knn.npy`, the neighbour indices, when asked) and the "embed" section of
/// `metrics.json`; it shows the kNN method, the initialisation and a progress line.
public enum EmbedStage {
    /// Runs the stage on `codes` (whole on every rank); a collective. Returns the embedding, complete
    /// on every rank. When a machine has more ranks than cores (8 ranks on 2 cores, for training), the
    /// UMAP runs on one rank per machine with the threads of all its ranks while the others sleep
    /// (`Communicator.onOneRankPerMachine`): every rank would otherwise repeat the replicated parts
    /// (graph, spectral start, the per-epoch sums) on cores it shares. The embedding depends on the
    /// seed and the number of ranks that compute it, never on the threads.
    @discardableResult
    public static func run(codes: Matrix, parameters: UMAPParameters, outputDirectory: String, saveKNN: Bool = false,
                           world: Communicator) throws -> Matrix {
        let started = Date()
        try world.agreeing("embed: parameters") { try parameters.validate(rows: codes.rows) }
        var fitted: UMAPResult?
        var knnIndices: [Int32]?
        let embedding: Matrix
        if MachineShare.isCrowded(world) {
            let threads = MachineShare.threads(world)
            if world.rank == 0 {
                Console.say("embed: \(world.localSize) ranks share this machine's \(World.machineCores) cores: UMAP runs on one rank per machine with \(threads) threads")
            }
            let values = try world.onOneRankPerMachine("embed", count: codes.rows * parameters.components) { leaders in
                let result = try fit(codes, parameters: parameters, world: leaders, threads: threads)
                if saveKNN { knnIndices = leaders.gather(result.neighbors.indices, root: 0) }
                fitted = result
                return result.embedding.storage
            }
            embedding = Matrix(rows: codes.rows, cols: parameters.components, storage: values)
        } else {
            let result = try fit(codes, parameters: parameters, world: world, threads: BLAS.threads)
            if saveKNN { knnIndices = world.gather(result.neighbors.indices, root: 0) }
            fitted = result
            embedding = result.embedding
        }
        try world.agreeing("embed: write artifacts") {
            guard world.rank == 0, let fitted else { return }
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(NPY.encode(embedding), to: outputDirectory + "/umap.npy")
            if let knnIndices {
                try AtomicFile.write(NPY.encode(knnIndices.map(Int64.init), shape: [codes.rows, parameters.neighbors]),
                                     to: outputDirectory + "/knn.npy")
            }
            try MetricsFile.update(directory: outputDirectory, section: "embed",
                                   value: metrics(fitted, parameters: parameters, codes: codes,
                                                  seconds: Date().timeIntervalSince(started)))
        }
        return embedding
    }

    /// `UMAP.fit` over `world` with rank 0's progress on the console.
    static func fit(_ codes: Matrix, parameters: UMAPParameters, world: Communicator, threads: Int) throws -> UMAPResult {
        let isRoot = world.rank == 0
        var layoutLine: ProgressLine?
        return try UMAP.fit(codes: codes, parameters: parameters, world: world, threads: threads) { event in
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
    }

    static func metrics(_ result: UMAPResult, parameters p: UMAPParameters, codes: Matrix, seconds: Double) -> [String: Any] {
        [
            "method": "umap", "rows": codes.rows, "input_dims": codes.cols,
            "components": p.components, "neighbors": p.neighbors, "min_dist": Double(p.minDist),
            "spread": Double(p.spread), "epochs": result.epochs, "metric": p.metric.rawValue,
            "knn": result.knnMethod.rawValue, "knn_requested": p.knn.rawValue, "initialisation": result.initialisation,
            "seed": Int(p.seed), "ranks": result.ranks, "threads_per_rank": result.threads, "graph_edges": result.edges,
            "seconds": result.seconds.merging(["total": seconds]) { $1 },
        ]
    }

    /// Isomap of `codes` (whole on every rank), exact or landmark as `settings` asks (auto: exact
    /// while the squared geodesic distances fit in half the machine's memory); a collective. Rank 0
    /// writes `umap.npy` (the embedding, the name the later stages read) and the "embed" section.
    public static func runIsomap(codes: Matrix, settings: IsomapSettings, seed: UInt64, outputDirectory: String,
                                 world: Communicator) throws -> Matrix {
        let started = Date()
        let threads = BLAS.threads
        let landmarks = landmarkCount(settings, rows: codes.rows, world: world)
        Console.say("embed: " + (landmarks.map { "landmark Isomap, \($0) landmarks" } ?? "exact Isomap")
                    + " (\(codes.rows) rows, \(settings.neighbors) neighbours → \(settings.components) dimensions) on \(world.size) rank(s) × \(threads) thread(s)")
        let result = try world.agreeing("embed: Isomap") { () -> IsomapResult in
            if let landmarks {
                return try Isomap.fitLandmarks(points: codes, neighbors: settings.neighbors, components: settings.components,
                                               landmarks: landmarks, world: world, threads: threads, seed: seed)
            }
            return try Isomap.fit(points: codes, neighbors: settings.neighbors, components: settings.components,
                                  world: world, threads: threads, seed: seed)
        }
        if result.graphComponents > 1 {
            Console.say("embed: warning: the \(settings.neighbors)-neighbour graph had \(result.graphComponents) components; they were joined at their closest pairs (as scikit-learn); a larger --isomap-neighbors connects them")
        }
        if !result.lanczosConverged { Console.say("embed: warning: the eigensolver stopped before converging; the embedding is approximate") }
        let embedding = result.matrix
        try world.agreeing("embed: write artifacts") {
            guard world.rank == 0 else { return }
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            try AtomicFile.write(NPY.encode(embedding), to: outputDirectory + "/umap.npy")
            try writePlacement(result.placement, directory: outputDirectory)
            var section: [String: Any] = [
                "method": "isomap", "rows": codes.rows, "input_dims": codes.cols, "components": settings.components,
                "neighbors": settings.neighbors, "eigenvalues": result.eigenvalues, "graph_components": result.graphComponents,
                "lanczos_converged": result.lanczosConverged, "ranks": world.size, "threads_per_rank": threads,
                "seconds": result.seconds.merging(["total": Date().timeIntervalSince(started)]) { $1 },
            ]
            section["landmarks"] = landmarks ?? NSNull()
            section["reconstruction_error"] = result.reconstructionError.isNaN ? NSNull() : result.reconstructionError
            try MetricsFile.update(directory: outputDirectory, section: "embed", value: section)
        }
        return embedding
    }

    /// The Isomap embedding's placement of new rows (what `predict` uses), beside `umap.npy`: float64,
    /// components × (1 + N), column 0 the offsets, columns 1… the weights of each training row.
    public static let placementFile = "isomap-placement.npy"

    static func writePlacement(_ placement: IsomapPlacement, directory: String) throws {
        let (c, n) = (placement.components, placement.rows)
        var table = [Double](repeating: 0, count: c * (n + 1))
        for r in 0..<c {
            table[r * (n + 1)] = placement.offsets[r]
            for j in 0..<n { table[r * (n + 1) + 1 + j] = placement.weights[r * n + j] }
        }
        try AtomicFile.write(NPY.encode(doubles: table, shape: [c, n + 1]), to: directory + "/" + placementFile)
    }

    /// The placement `runIsomap` wrote in `directory` for an embedding of `rows` rows and `components`
    /// columns; nil when the file is missing or belongs to another embedding.
    static func readPlacement(directory: String, rows: Int, components: Int) -> IsomapPlacement? {
        guard let file = try? NPY.readDoubles(path: directory + "/" + placementFile),
              file.rows == components, file.cols == rows + 1 else { return nil }
        let (c, width, table) = (file.rows, file.cols, file.values)
        var weights = [Double](repeating: 0, count: c * rows)
        for r in 0..<c { for j in 0..<rows { weights[r * rows + j] = table[r * width + 1 + j] } }
        return IsomapPlacement(components: c, rows: rows, weights: weights, offsets: (0..<c).map { table[$0 * width] })
    }

    /// nil for exact Isomap, else the landmark count: the user's, or auto's choice.
    static func landmarkCount(_ settings: IsomapSettings, rows: Int, world: Communicator) -> Int? {
        if let landmarks = settings.landmarks { return landmarks == 0 ? nil : min(landmarks, rows) }
        let machine = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        let exact = Double(Isomap.exactKernelBytesPerRank(rows: rows, ranks: world.size)) * Double(world.localSize)
        return exact <= machine / 2 ? nil : min(2000, rows)
    }
}
