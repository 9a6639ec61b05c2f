import Clustering
import Collectives
import Datasets
import Evaluation
import Foundation
import LinearAlgebra
import Storage

/// One baseline of the reference pipeline: KMeans on some representation, scored like N2D.
public struct BaselineResult {
    /// "kmeans on raw features" or "kmeans on codes".
    public var name: String
    public var clusters: Int
    public var inertia: Double
    public var accuracy: Double?
    public var nmi: Double?
    public var ari: Double?
    public var seconds: Double
    /// Every row's cluster (rank 0; nil elsewhere).
    public var labels: [Int]?

    var json: [String: Any] {
        var entry: [String: Any] = ["name": name, "clusters": clusters, "inertia": inertia, "seconds": seconds]
        if let accuracy, let nmi, let ari { entry["acc"] = accuracy; entry["nmi"] = nmi; entry["ari"] = ari }
        return entry
    }
}

/// The reference pipeline's comparisons (`--baselines`): KMeans on the raw feature vectors and
/// KMeans on the autoencoder codes without UMAP, with the same cluster count and seed as N2D's
/// KMeans. Both are distributed over the ranks (each clusters its own rows).
enum Baselines {
    /// `codes`: every training row's code, on every rank.
    static func run(shard: DatasetShard, codes: Matrix, clusters: Int, seed: UInt64, truth: TrueLabels?,
                    world: Communicator) throws -> [BaselineResult] {
        let partition = RowPartition(total: shard.training.total, size: world.size)
        let raw = try kmeans("kmeans on raw features", points: densified(shard.training.features), clusters: clusters,
                             seed: seed, truth: truth, world: world)
        let ownCodes = codes.rows(partition.range(of: world.rank))
        let onCodes = try kmeans("kmeans on codes", points: ownCodes, clusters: clusters, seed: seed, truth: truth, world: world)
        return [raw, onCodes]
    }

    /// Every rank's rows on every rank, in row order, in the same representation (a collective).
    static func allGathered(_ features: FeatureMatrix, world: Communicator) -> FeatureMatrix {
        switch features {
        case .dense(let m):
            return .dense(Matrix(rows: world.allreduce(m.rows, op: .sum), cols: m.cols, storage: world.allgather(m.storage)))
        case .sparse(let m):
            let lengths = world.allgather((0..<m.rows).map { Int64(m.nonZeros(inRow: $0)) })
            var pointers = [0]
            pointers.reserveCapacity(lengths.count + 1)
            for length in lengths { pointers.append(pointers.last! + Int(length)) }
            return .sparse(CSRMatrix(rows: lengths.count, cols: m.cols, rowPointers: pointers,
                                     columnIndices: world.allgather(m.columnIndices), values: world.allgather(m.values)))
        }
    }

    /// The rows as a dense matrix (sparse counts are expanded; a rank holds only its own rows).
    static func densified(_ features: FeatureMatrix) -> Matrix {
        switch features {
        case .dense(let m): return m
        case .sparse(let m): return m.densified()
        }
    }

    static func kmeans(_ name: String, points: Matrix, clusters: Int, seed: UInt64, truth: TrueLabels?,
                       world: Communicator) throws -> BaselineResult {
        let start = Date()
        let result = try KMeans(clusters: clusters, seed: seed, threads: BLAS.threads).fit(points: points, world: world)
        let labels = world.gather(result.labels.map(Int64.init), root: 0)?.map { Int($0) }
        var baseline = BaselineResult(name: name, clusters: result.sizes.count, inertia: result.inertia,
                                      seconds: Date().timeIntervalSince(start), labels: labels)
        if let labels, let truth {
            let codes = truth.codes
            baseline.accuracy = ClusteringScores.accuracy(truth: codes, predicted: labels)
            baseline.nmi = ClusteringScores.normalizedMutualInformation(truth: codes, predicted: labels)
            baseline.ari = ClusteringScores.adjustedRandIndex(truth: codes, predicted: labels)
        }
        return baseline
    }
}
