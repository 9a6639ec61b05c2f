import ArgumentParser
import N2D
import Neighbors
import UMAP

extension NeighborMetric: ExpressibleByArgument {}
extension KNNMethod: ExpressibleByArgument {}

/// The UMAP flags, shared by `embed` and `run`.
struct UMAPOptions: ParsableArguments {
    @Option(help: "Dimensions of the UMAP embedding.")
    var umapComponents = 5

    @Option(help: "Neighbours per point in the kNN graph (the point itself included, as umap-learn).")
    var umapNeighbors = 50

    @Option(help: "UMAP min_dist: how tightly points may pack in the embedding (0 ... spread 1).")
    var umapMinDist: Float = 0

    @Option(help: "Layout epochs, or 'auto' (200 above 10,000 rows, else 500).")
    var umapEpochs = "auto"

    @Option(help: "Input-space metric: euclidean or cosine.")
    var umapMetric: NeighborMetric = .euclidean

    @Option(help: "kNN graph: exact (BLAS brute force), approximate (RP forest + NN-descent), or auto (exact up to \(NeighborSearch.exactLimit) rows).")
    var knn: KNNMethod = .auto

    @Option(help: "Seed of every random choice (kNN trees, initialisation, negative sampling).")
    var seed: UInt64 = 13

    func validate() throws {
        if umapEpochs != "auto", Int(umapEpochs).map({ $0 < 1 }) ?? true {
            throw ValidationError("--umap-epochs must be 'auto' or a positive whole number (got '\(umapEpochs)').")
        }
        if umapComponents < 1 { throw ValidationError("--umap-components must be at least 1 (got \(umapComponents)).") }
        if umapNeighbors < 2 { throw ValidationError("--umap-neighbors must be at least 2 (got \(umapNeighbors)).") }
        if !(umapMinDist >= 0 && umapMinDist <= 1) {
            throw ValidationError("--umap-min-dist must lie between 0 and 1 (the spread) (got \(umapMinDist)).")
        }
    }

    /// The UMAP parameters these flags describe.
    var parameters: UMAPParameters {
        var p = UMAPParameters()
        p.components = umapComponents
        p.neighbors = umapNeighbors
        p.minDist = umapMinDist
        p.epochs = Int(umapEpochs)
        p.metric = umapMetric
        p.knn = knn
        p.seed = seed
        return p
    }
}
