/// Named sets of defaults for the common jobs. Every value can be overridden by its flag.
public enum Preset: String, CaseIterable, Codable, Sendable {
    /// The reference IMDB pipeline: bag-of-words (5,000 terms) of the 25,000-review train half,
    /// 5000-1024-512-256-10 autoencoder (25 epochs, batch 32), UMAP 50 neighbours to 5 dimensions
    /// (min_dist 0), DBSCAN (eps 1, min_samples 50) and KMeans (5 clusters).
    case imdb
    /// The N2D paper's Fashion-MNIST benchmark (the paper clusters all 70,000 images; the preset reads
    /// the 60,000 training images of Debian's package — pass --input for another file), 784-500-500-2000-10 autoencoder
    /// (batch 256), UMAP 20 neighbours to 10 dimensions (min_dist 0), a full-covariance Gaussian
    /// mixture with 10 components, and KMeans (10 clusters). The paper pretrains 1,000 epochs; the
    /// preset trains 50 to fit a workstation (override with --epochs).
    case fashionMNIST = "fashion-mnist"

    /// The values the preset sets.
    public var values: PresetValues {
        switch self {
        case .imdb:
            return PresetValues(input: "data/IMDB Dataset.csv", format: "text-csv", textColumn: "review",
                                labelColumn: "sentiment", maxFeatures: 5000, testSize: 0.5,
                                hidden: [1024, 512, 256], bottleneck: 10, epochs: 25, batchSize: 32,
                                umapComponents: 5, umapNeighbors: 50, umapMinDist: 0,
                                dbscanEps: "1", dbscanMinSamples: 50, kmeansClusters: 5, gmmComponents: 0)
        case .fashionMNIST:
            return PresetValues(input: "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz", format: "idx", textColumn: nil,
                                labelColumn: nil, maxFeatures: nil, testSize: 0,
                                hidden: [500, 500, 2000], bottleneck: 10, epochs: 50, batchSize: 256,
                                umapComponents: 10, umapNeighbors: 20, umapMinDist: 0,
                                dbscanEps: "auto", dbscanMinSamples: 50, kmeansClusters: 10, gmmComponents: 10)
        }
    }
}

/// The parameters a preset decides.
public struct PresetValues: Codable, Equatable, Sendable {
    public var input: String
    public var format: String
    public var textColumn: String?
    public var labelColumn: String?
    public var maxFeatures: Int?
    public var testSize: Double
    public var hidden: [Int]
    public var bottleneck: Int
    public var epochs: Int
    public var batchSize: Int
    public var umapComponents: Int
    public var umapNeighbors: Int
    public var umapMinDist: Double
    public var dbscanEps: String
    public var dbscanMinSamples: Int
    public var kmeansClusters: Int
    public var gmmComponents: Int
}
