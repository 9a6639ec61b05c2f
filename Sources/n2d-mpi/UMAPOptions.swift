import ArgumentParser
import N2D
import Neighbors
import UMAP

extension NeighborMetric: ExpressibleByArgument {}
extension KNNMethod: ExpressibleByArgument {}
extension ManifoldMethod: ExpressibleByArgument {}

/// The embed stage's flags (UMAP's, and Isomap's as the alternative), shared by `embed` and `run`.
struct UMAPOptions: ParsableArguments {
    @Option(help: "The manifold learnt from the codes: umap, or isomap (scikit-learn's Isomap, the tutorial's alternative); its embedding is written to umap.npy either way (default \(Preset.defaults { $0.manifold.rawValue })).")
    var manifold: ManifoldMethod?

    @Option(help: "Isomap: neighbours of each point, the point itself not counted as scikit-learn (default: \(Preset.defaults { $0.isomap.neighbors })).")
    var isomapNeighbors: Int?

    @Option(help: "Isomap: dimensions of the embedding (default: \(Preset.defaults { $0.isomap.components })).")
    var isomapComponents: Int?

    @Option(help: ArgumentHelp("Isomap: landmarks (landmark Isomap), 0 for exact Isomap, or auto: exact while the squared geodesic distances fit in half the machine's memory, else 2,000 landmarks; the choice is printed.",
                               valueName: "N|auto"))
    var isomapLandmarks = "auto"

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
        if isomapLandmarks != "auto", Int(isomapLandmarks) == nil {
            throw ValidationError("--isomap-landmarks must be 'auto', 0 (exact) or a number of landmarks (got '\(isomapLandmarks)').")
        }
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
        overrides.manifold = manifold
        overrides.isomapNeighbors = isomapNeighbors
        overrides.isomapComponents = isomapComponents
        overrides.isomapLandmarks = Int(isomapLandmarks)
    }
}
