import ArgumentParser
import Collectives
import Foundation
import LinearAlgebra
import N2D
import Neighbors
import Plotting
import Storage
import TSNE
import UMAP

extension TSNEInitialisation: ExpressibleByArgument {}
extension TSNEMethod: ExpressibleByArgument {}

/// `n2d-mpi map`: a 2-d map (t-SNE or UMAP) of any .npy matrix across ranks.
struct MapCommand: ParsableCommand {
    enum Method: String, CaseIterable, ExpressibleByArgument { case tsne, umap }

    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Draw a 2-d map (t-SNE or UMAP) of any .npy matrix across ranks; writes map.npy and map.png.",
        discussion: """
        t-SNE follows scikit-learn's TSNE(n_components=2) defaults (perplexity 30, early exaggeration 12 \
        for 250 iterations, learning rate auto, 1000 iterations, PCA start, Barnes-Hut θ 0.5), with the \
        repulsion by FFT-accelerated interpolation (FIt-SNE) instead from \(TSNEParameters.fftThreshold) rows \
        (--tsne-method); UMAP uses \
        umap-learn's (15 neighbours, min_dist 0.1). Writes <output-dir>/map.npy (N × 2 float32) and \
        <output-dir>/map.png, and prints the KL divergence (t-SNE) and the seconds. \
        Example: mpirun -np 2 n2d-mpi map --method tsne --input codes.npy --output-dir out
        """
    )

    @Option(help: "The map: tsne or umap.")
    var method: Method = .tsne

    @Option(help: "A float32/float64 .npy matrix (rows = points).")
    var input: String

    @Option(help: "Directory of map.npy and map.png (created when missing).")
    var outputDir = "n2d-output"

    @Option(help: "Optional 1-d .npy of integer (or float) labels that colour the picture.")
    var labels: String?

    @Flag(help: "Hold the input as a sparse (CSR) matrix of its non-zeros: exact sparse kNN and a random start (t-SNE only).")
    var sparse = false

    @Option(help: "t-SNE perplexity.")
    var perplexity = 30.0

    @Option(help: "t-SNE iterations, the 250 exaggerated ones included.")
    var tsneIterations = 1000

    @Option(help: "t-SNE learning rate, or 'auto' (max(N / 12 / 4, 50)).")
    var tsneLearningRate = "auto"

    @Option(help: "t-SNE Barnes-Hut angle θ (0 = exact repulsion).")
    var tsneAngle = 0.5

    @Option(help: "t-SNE repulsion: barnes-hut, fft (FFT-accelerated interpolation, FIt-SNE) or auto (fft from \(TSNEParameters.fftThreshold) rows).")
    var tsneMethod: TSNEMethod = .auto

    @Option(help: "t-SNE fft: the widest interval of the interpolation grid (map units).")
    var tsneFftIntervalWidth = InterpolationSettings().intervalWidth

    @Option(help: "t-SNE fft: the fewest intervals per axis.")
    var tsneFftMinIntervals = InterpolationSettings().minIntervals

    @Option(help: "t-SNE start: pca, random, or auto (pca for dense input, random for sparse).")
    var tsneInit: TSNEInitialisation = .auto

    @Option(help: "UMAP neighbours per point (the point itself included).")
    var umapNeighbors = 15

    @Option(help: "UMAP min_dist.")
    var umapMinDist: Float = 0.1

    @Option(help: "kNN graph of dense input: exact, approximate or auto (exact up to \(NeighborSearch.exactLimit) rows).")
    var knn: KNNMethod = .auto

    @Option(help: "Seed of the random start and of the approximate kNN.")
    var seed = 13

    @OptionGroup var runtime: RuntimeOptions

    func validate() throws {
        guard seed >= 0 && seed <= Int(UInt32.max) else { throw ValidationError("--seed must be in 0...\(UInt32.max) (got \(seed)).") }
        if tsneLearningRate != "auto", Double(tsneLearningRate).map({ !($0 > 0) }) ?? true {
            throw ValidationError("--tsne-learning-rate must be 'auto' or a positive number (got '\(tsneLearningRate)').")
        }
        if sparse && method == .umap { throw ValidationError("--sparse works with --method tsne only.") }
    }

    var tsneParameters: TSNEParameters {
        var p = TSNEParameters()
        p.perplexity = perplexity
        p.maxIterations = tsneIterations
        p.learningRate = Double(tsneLearningRate)
        p.angle = tsneAngle
        p.method = tsneMethod
        p.interpolation.intervalWidth = tsneFftIntervalWidth
        p.interpolation.minIntervals = tsneFftMinIntervals
        p.initialisation = tsneInit
        p.knn = knn
        p.seed = UInt64(seed)
        return p
    }

    func run() throws {
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel) { world in
            let started = Date()
            let data = try RootMatrix.read(input, world: world)
            let names = try world.agreeing("map: labels") { () -> [Int]? in
                guard world.rank == 0, let labels else { return nil }
                let values = try MapCommand.readLabels(labels)
                guard values.count == data.rows else {
                    throw FileError(path: labels, problem: "\(values.count) labels for \(data.rows) rows")
                }
                return values
            }
            let threads = BLAS.threads
            let map: Matrix
            var summary: [String] = []
            switch method {
            case .tsne:
                let parameters = tsneParameters
                try world.agreeing("map: parameters") { try parameters.validate(rows: data.rows) }
                let features: FeatureMatrix = sparse ? .sparse(CSRMatrix(dense: data)) : .dense(data)
                let result = try TSNE.fit(features, parameters: parameters, world: world, threads: threads) { event in
                    switch event {
                    case let .neighbors(method, sparse, rows, k):
                        Console.say("map: \(sparse ? "sparse exact" : method.rawValue) kNN (\(rows) rows, k = \(k)) on \(world.size) rank(s) × \(threads) thread(s)")
                    case let .initialisation(name):
                        Console.say("map: t-SNE start: \(name)")
                    case let .iteration(done, total, kl):
                        let exaggerated = done <= parameters.exaggerationIterations ? " (of P × \(parameters.earlyExaggeration))" : ""
                        Console.say("map: t-SNE iteration \(done)/\(total): KL divergence\(exaggerated) \(String(format: "%.6f", kl))")
                    }
                }
                map = result.embedding
                summary.append("KL divergence: \(String(format: "%.6f", result.klDivergence))")
                summary.append("iterations: \(result.iterations)")
                summary.append("repulsion: \(result.method.rawValue)")
                summary.append("seconds: " + ["knn", "probabilities", "init", "optimise"]
                    .map { "\($0) \(String(format: "%.2f", result.seconds[$0] ?? 0))" }.joined(separator: ", "))
            case .umap:
                var parameters = UMAPParameters()
                parameters.components = 2
                parameters.neighbors = umapNeighbors
                parameters.minDist = umapMinDist
                parameters.knn = knn
                parameters.seed = UInt64(seed)
                try world.agreeing("map: parameters") { try parameters.validate(rows: data.rows) }
                map = try UMAP.fit(codes: data, parameters: parameters, world: world, threads: threads).embedding
            }
            let seconds = Date().timeIntervalSince(started)
            try world.agreeing("map: write artifacts") {
                guard world.rank == 0 else { return }
                try FileManager.default.createDirectory(atPath: outputDir, withIntermediateDirectories: true)
                try AtomicFile.write(NPY.encode(map), to: outputDir + "/map.npy")
                let label = method == .tsne ? "t-SNE" : "UMAP"
                let x = (0..<map.rows).map { map[$0, 0] }, y = (0..<map.rows).map { map[$0, 1] }
                let name = URL(fileURLWithPath: input).lastPathComponent
                try ScatterPlot(title: "\(label) map of \(name)", xLabel: "\(label) 1", yLabel: "\(label) 2", x: x, y: y,
                                labels: names ?? [Int](repeating: 0, count: map.rows),
                                labelNames: names.map { Dictionary(Set($0).map { ($0, "label \($0)") }) { a, _ in a } } ?? [0: "all points"])
                    .write(to: outputDir + "/map.png")
                print("map: \(label) of \(data.rows) rows × \(data.cols) on \(world.size) rank(s): \(outputDir)/map.npy, \(outputDir)/map.png")
                summary.forEach { print($0) }
                print("total seconds: \(String(format: "%.2f", seconds))")
            }
        }
    }


    /// A 1-d .npy of int64, int32 or float labels.
    static func readLabels(_ path: String) throws -> [Int] {
        try InputFile.check(path)
        guard let data = FileManager.default.contents(atPath: path) else { throw FileError(path: path, problem: "cannot read the file") }
        let bytes = Array(data)
        let header = try NPY.parseHeader(bytes, path: path)
        guard header.shape.count == 1 || (header.shape.count == 2 && header.shape[1] == 1) else {
            throw FileError(path: path, problem: "labels must be a 1-d array, found shape \(header.shape)")
        }
        let count = header.shape[0]
        let width: Int
        switch header.descr {
        case "<i8", "<i4", "<f4": width = header.descr == "<i8" ? 8 : 4
        case "<f8": width = 8
        default: throw FileError(path: path, problem: "unsupported label dtype '\(header.descr)' (int64, int32, float32 or float64)")
        }
        guard bytes.count - header.dataOffset >= count * width else { throw FileError(path: path, problem: "truncated") }
        return bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + header.dataOffset
            return (0..<count).map { i -> Int in
                switch header.descr {
                case "<i8": return Int(base.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
                case "<i4": return Int(base.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
                case "<f4": return Int(base.loadUnaligned(fromByteOffset: i * 4, as: Float.self).rounded())
                default: return Int(base.loadUnaligned(fromByteOffset: i * 8, as: Double.self).rounded())
                }
            }
        }
    }
}
