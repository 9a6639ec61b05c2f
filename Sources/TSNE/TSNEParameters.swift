import Neighbors

/// How the embedding starts.
public enum TSNEInitialisation: String, CaseIterable, Sendable {
    /// The first two principal components of the input, scaled so that the first has standard
    /// deviation 1e-4 (scikit-learn's `init='pca'`). Dense input only.
    case pca
    /// Independent N(0, (1e-4)²) coordinates, seeded per row (scikit-learn's `init='random'`).
    case random
    /// `pca` for dense input of at least 2 columns, `random` otherwise (scikit-learn refuses PCA on
    /// sparse input, and PCA to 2 dimensions on 1 column).
    case auto
}

/// How the repulsion is computed.
public enum TSNEMethod: String, CaseIterable, Sendable {
    /// A quadtree with opening angle θ (`angle`), as scikit-learn's `method='barnes_hut'`.
    case barnesHut = "barnes-hut"
    /// FFT-accelerated interpolation (FIt-SNE, Linderman et al. 2019; openTSNE's `negative_gradient_method='fft'`).
    case fft
    /// `fft` from `TSNEParameters.fftThreshold` rows on, `barnesHut` below.
    case auto

    /// The method in force for `rows` points.
    public func resolved(rows: Int) -> TSNEMethod {
        self == .auto ? (rows >= TSNEParameters.fftThreshold ? .fft : .barnesHut) : self
    }
}

/// Every t-SNE setting, with scikit-learn 1.9's `TSNE` defaults.
public struct TSNEParameters: Equatable, Sendable {
    /// The effective number of neighbours each point's Gaussian is tuned to.
    public var perplexity: Double = 30
    /// P is multiplied by this during the first `exaggerationIterations` iterations.
    public var earlyExaggeration: Double = 12
    /// Iterations with exaggeration and momentum 0.5 (scikit-learn's `_EXPLORATION_MAX_ITER`).
    public var exaggerationIterations = 250
    /// All iterations, the exaggerated ones included (`max_iter`).
    public var maxIterations = 1000
    /// The step; nil is scikit-learn's 'auto': max(N / early_exaggeration / 4, 50).
    public var learningRate: Double?
    /// Momentum of the exaggerated phase and of the rest.
    public var earlyMomentum: Double = 0.5
    public var finalMomentum: Double = 0.8
    /// The smallest per-coordinate gain.
    public var minGain: Double = 0.01
    /// Stop when the gradient's norm falls to this (checked every `checkInterval` iterations).
    public var minGradNorm: Double = 1e-7
    /// Stop when the KL divergence has not improved for more than this many iterations (after the
    /// exaggerated phase, which uses its own length as the limit).
    public var iterationsWithoutProgress = 300
    /// How often the KL divergence and the gradient norm are checked (`_N_ITER_CHECK`).
    public var checkInterval = 50
    /// Barnes-Hut opening angle θ: a cell of width w at distance d stands for its points when w/d < θ.
    /// 0 makes the repulsion exact (O(N²)).
    public var angle: Double = 0.5
    /// The repulsion: Barnes-Hut, FFT-accelerated interpolation, or auto (by the row count).
    public var method: TSNEMethod = .auto
    /// The grid of the FFT method.
    public var interpolation = InterpolationSettings()
    /// The row count from which `auto` takes the FFT method (measured: see docs/TSNE.md).
    public static let fftThreshold = 10_000
    public var initialisation: TSNEInitialisation = .auto
    /// How the kNN graph of dense input is computed (sparse input is always searched exactly).
    public var knn: KNNMethod = .auto
    /// Seeds the random initialisation and the approximate kNN.
    public var seed: UInt64 = 13

    public init() {}

    /// The neighbours per point scikit-learn uses: min(N − 1, ⌊3·perplexity + 1⌋).
    public func neighbors(rows: Int) -> Int { min(rows - 1, Int(3 * perplexity + 1)) }

    /// The learning rate in force for `rows` points.
    public func step(rows: Int) -> Double { learningRate ?? max(Double(rows) / earlyExaggeration / 4, 50) }

    /// Throws `TSNEError` when these settings cannot run on `rows` points.
    public func validate(rows: Int) throws {
        guard rows >= 3 else { throw TSNEError("t-SNE needs at least 3 rows (got \(rows))") }
        guard perplexity > 0, perplexity.isFinite else { throw TSNEError("--perplexity must be positive (got \(perplexity))") }
        guard perplexity < Double(rows) else {
            throw TSNEError("--perplexity must be less than the number of rows (perplexity \(perplexity), \(rows) rows)")
        }
        guard earlyExaggeration >= 1 else { throw TSNEError("early exaggeration must be at least 1 (got \(earlyExaggeration))") }
        guard maxIterations >= 1, exaggerationIterations >= 0 else {
            throw TSNEError("--tsne-iterations must be at least 1 (got \(maxIterations))")
        }
        guard angle >= 0, angle <= 1 else { throw TSNEError("--tsne-angle must lie in 0...1 (got \(angle))") }
        if let learningRate { guard learningRate > 0 else { throw TSNEError("--tsne-learning-rate must be positive (got \(learningRate))") } }
        guard interpolation.intervalWidth > 0, interpolation.intervalWidth.isFinite else {
            throw TSNEError("--tsne-fft-interval-width must be positive (got \(interpolation.intervalWidth))")
        }
        guard interpolation.minIntervals >= 1 else {
            throw TSNEError("--tsne-fft-min-intervals must be at least 1 (got \(interpolation.minIntervals))")
        }
        guard checkInterval >= 1 else { throw TSNEError("the check interval must be at least 1") }
    }
}

/// Settings that cannot run, or input t-SNE cannot take; thrown before any collective.
public struct TSNEError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
