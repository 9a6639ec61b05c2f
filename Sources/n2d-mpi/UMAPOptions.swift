import ArgumentParser
import N2D
import Neighbors
import UMAP

extension NeighborMetric: ExpressibleByArgument {}
extension KNNMethod: ExpressibleByArgument {}

/// The UMAP flags, shared by `embed` and `run`.
struct UMAPOptions: ParsableArguments {
    @Option(help: "Dimensions of the UMAP embedding (default: imdb 5, fashion-mnist 10).")
    var umapComponents: Int?

    @Option(help: "Neighbours per point in the kNN graph, the point itself included as umap-learn (default: imdb 50, fashion-mnist 20).")
    var umapNeighbors: Int?

    @Option(help: "UMAP min_dist: how tightly points may pack in the embedding, 0 ... spread 1 (default 0).")
    var umapMinDist: Float?

    @Option(help: "Layout epochs, or 'auto' (200 above 10,000 rows, else 500).")
    var umapEpochs = "auto"

    @Option(help: "Input-space metric: euclidean or cosine.")
    var umapMetric: NeighborMetric = .euclidean

    @Option(help: "kNN graph: exact (BLAS brute force), approximate (RP forest + NN-descent), or auto (exact up to \(NeighborSearch.exactLimit) rows).")
    var knn: KNNMethod = .auto

    func validate() throws {
        if umapEpochs != "auto", Int(umapEpochs).map({ $0 < 1 }) ?? true {
            throw ValidationError("--umap-epochs must be 'auto' or a positive whole number (got '\(umapEpochs)').")
        }
        if let umapComponents, umapComponents < 1 { throw ValidationError("--umap-components must be at least 1 (got \(umapComponents)).") }
        if let umapNeighbors, umapNeighbors < 2 { throw ValidationError("--umap-neighbors must be at least 2 (got \(umapNeighbors)).") }
        if let umapMinDist, !(umapMinDist >= 0 && umapMinDist <= 1) {
            throw ValidationError("--umap-min-dist must lie between 0 and 1 (the spread) (got \(umapMinDist)).")
        }
    }

    /// The UMAP parameters these flags describe, the preset filling what was left out.
    func parameters(_ job: JobOptions) -> UMAPParameters {
        let preset = job.values
        var p = UMAPParameters()
        p.components = umapComponents ?? preset.umapComponents
        p.neighbors = umapNeighbors ?? preset.umapNeighbors
        p.minDist = umapMinDist ?? Float(preset.umapMinDist)
        p.epochs = Int(umapEpochs)
        p.metric = umapMetric
        p.knn = knn
        p.seed = UInt64(job.seed)
        return p
    }
}
