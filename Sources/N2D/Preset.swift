import Datasets

/// Named sets of defaults for the common jobs. Every value can be overridden by its flag.
public enum Preset: String, CaseIterable, Codable, Sendable {
    /// The reference IMDB pipeline: bag-of-words (5,000 terms) of the 25,000-review train half,
    /// 5000-1024-512-256-10 autoencoder (25 epochs, batch 32), UMAP 50 neighbours to 5 dimensions
    /// (min_dist 0), DBSCAN (eps 1, min_samples 50) and KMeans (5 clusters).
    case imdb
    /// The N2D paper's Fashion-MNIST benchmark: all 70,000 images of Debian's package, as the paper
    /// clusters them (the 60,000 training images, then the 10,000 test images, with their labels for
    /// scoring), 784-500-500-2000-10 autoencoder
    /// (batch 256), UMAP 20 neighbours to 10 dimensions (min_dist 0), a full-covariance Gaussian
    /// mixture with 10 components, and KMeans (10 clusters). The paper pretrains 1,000 epochs; the
    /// preset trains 50 to fit a workstation (override with --epochs).
    case fashionMNIST = "fashion-mnist"

    /// The preset table: the values this preset sets on a job whose other values are the defaults.
    func apply(to job: inout JobConfiguration) {
        switch self {
        case .imdb:
            job.data = DatasetSpec(path: "data/IMDB Dataset.csv", format: .textCSV, textColumn: "review",
                                   labelColumn: .ifPresent("sentiment"), maxFeatures: 5000, testSize: 0.5)
            job.training.hidden = [1024, 512, 256]
            job.training.epochs = 25
            job.training.batchSize = 32
            job.umap.components = 5
            job.umap.neighbors = 50
            job.isomap.components = 5
            job.isomap.neighbors = 50
            job.cluster.dbscanEps = .fixed(1)
            job.cluster.kmeansClusters = 5
            job.cluster.gmmComponents = 0
            job.run.map = .tsne
        case .fashionMNIST:
            job.data = DatasetSpec(paths: ["train", "t10k"].map { "/usr/share/datasets/fashion-mnist/\($0)-images-idx3-ubyte.gz" },
                                   format: .idx, labelColumn: .none, testSize: 0)
            job.training.hidden = [500, 500, 2000]
            job.training.epochs = 50
            job.training.batchSize = 256
            job.umap.components = 10
            job.umap.neighbors = 20
            job.isomap.components = 10
            job.isomap.neighbors = 20
            job.cluster.dbscanEps = .auto
            job.cluster.kmeansClusters = 10
            job.cluster.gmmComponents = 10
            job.run.map = .umap
        }
        job.training.bottleneck = 10
        job.umap.minDist = 0
        job.cluster.dbscanMinSamples = 50
    }

    /// The default of one setting for the help text, generated from the preset table: "5000" when
    /// every preset agrees, else "imdb 25, fashion-mnist 50".
    public static func defaults<T: CustomStringConvertible>(_ value: (JobConfiguration) -> T) -> String {
        let values = allCases.map { value(JobConfiguration(preset: $0)).description }
        if Set(values).count == 1 { return values[0] }
        return zip(allCases, values).map { "\($0.rawValue) \($1)" }.joined(separator: ", ")
    }
}
