import ArgumentParser
import N2D
import Neighbors
import UMAP

extension NeighborMetric: ExpressibleByArgument {}
extension KNNMethod: ExpressibleByArgument {}

/// The UMAP flags, shared by `embed` and `run`.
struct UMAPOptions: ParsableArguments {
    @Option(help: "Dimensions of the UMAP embedding (default: \(Preset.defaults { $0.umap.components })).")
    var umapComponents: Int?

    @Option(help: "Neighbours per point in the kNN graph, the point itself included as umap-learn (default: \(Preset.defaults { $0.umap.neighbors })).")
    var umapNeighbors: Int?

    @Option(help: "UMAP min_dist: how tightly points may pack in the embedding, 0 ... the spread \(Preset.defaults { $0.umap.spread }) (default \(Preset.defaults { $0.umap.minDist })).")
    var umapMinDist: Float?

    @Option(help: "Layout epochs, or 'auto' (200 above 10,000 rows, else 500).")
    var umapEpochs = "auto"

    @Option(help: "Input-space metric: euclidean or cosine (default \(Preset.defaults { $0.umap.metric.rawValue })).")
    var umapMetric: NeighborMetric?

    @Option(help: "kNN graph: exact (BLAS brute force), approximate (RP forest + NN-descent), or auto (exact up to \(NeighborSearch.exactLimit) rows; default \(Preset.defaults { $0.umap.knn.rawValue })).")
    var knn: KNNMethod?

    func validate() throws {
        if umapEpochs != "auto", Int(umapEpochs) == nil {
            throw ValidationError("--umap-epochs must be 'auto' or a positive whole number (got '\(umapEpochs)').")
        }
    }

    func apply(to overrides: inout JobOverrides) {
        overrides.umapComponents = umapComponents
        overrides.umapNeighbors = umapNeighbors
        overrides.umapMinDist = umapMinDist
        overrides.umapEpochs = Int(umapEpochs)
        overrides.umapMetric = umapMetric
        overrides.knn = knn
    }
}
