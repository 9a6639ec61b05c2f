import Randomness
import Collectives
import LinearAlgebra

/// A Gaussian mixture with full covariances fitted by EM, with scikit-learn's defaults and rules:
/// responsibilities start from a KMeans labelling (one KMeans run per initialisation), every
/// covariance gets `regularization` added to its diagonal, EM stops when the mean log-likelihood
/// per row changes by less than `tolerance` or after `maxIterations` steps, and the best of
/// `initializations` runs (highest final log-likelihood) is kept. Labels are the component of highest
/// responsibility. Computed in Double; Cholesky factors by LAPACK `dpotrf`.
///
/// Distributed like `KMeans`: each rank passes its own rows and gets its rows' labels; the
/// sufficient statistics are added over ranks, so every rank holds the same mixture.
public struct GaussianMixture: Sendable {
    public var components: Int
    public var initializations: Int
    public var maxIterations: Int
    public var tolerance: Double
    public var regularization: Double
    public var seed: UInt64
    /// Threads of this rank (`ParallelFor`); the result does not depend on it.
    public var threads: Int

    public init(components: Int, initializations: Int = 1, maxIterations: Int = 100, tolerance: Double = 1e-3,
                regularization: Double = 1e-6, seed: UInt64 = 13, threads: Int = 1) {
        self.components = components
        self.initializations = initializations
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.regularization = regularization
        self.seed = seed
        self.threads = threads
    }

    /// Fits the mixture to the rows of all ranks' `points` (collective). Throws on every rank alike
    /// when there are fewer rows than components, or when a covariance is not positive definite even
    /// with the regularisation.
    public func fit(points: Matrix, world: Communicator = LocalCommunicator()) throws -> GaussianMixtureResult {
        guard components >= 1, initializations >= 1, maxIterations >= 1, regularization >= 0 else {
            throw ClusteringError("the Gaussian mixture needs components, n_init and max_iter ≥ 1 and reg_covar ≥ 0.")
        }
        let shard = try RowShard(points, world: world)
        guard shard.total >= components else {
            throw ClusteringError("a Gaussian mixture of \(components) components needs at least \(components) rows (got \(shard.total)); lower --gmm-components.")
        }
        var generator = SeededGenerator(seed: seed)
        var best: GaussianMixtureResult?
        for _ in 0..<initializations {
            let start = try KMeans(clusters: components, initializations: 1, seed: generator.next(), threads: threads).fit(points: points, world: world)
            var em = ExpectationMaximization(points: points, shard: shard, k: components, regularization: regularization, threads: threads)
            let result = try em.run(initialLabels: start.labels, maxIterations: maxIterations, tolerance: tolerance, world: world)
            if best == nil || result.logLikelihood > best!.logLikelihood { best = result }
        }
        return best!
    }

    /// One EM run started from `initialLabels` (a component for each of this rank's rows) instead of
    /// a KMeans labelling, e.g. another implementation's labels, to check that EM stays at the mixture
    /// it found (collective). Throws when a label is out of range or the counts disagree.
    public func fit(points: Matrix, initialLabels: [Int], world: Communicator = LocalCommunicator()) throws -> GaussianMixtureResult {
        guard components >= 1, maxIterations >= 1, regularization >= 0 else {
            throw ClusteringError("the Gaussian mixture needs components and max_iter ≥ 1 and reg_covar ≥ 0.")
        }
        guard initialLabels.count == points.rows, initialLabels.allSatisfy({ (0..<components).contains($0) }) else {
            throw ClusteringError("the Gaussian mixture's initial labels must be one of 0..<\(components) for each of the \(points.rows) rows.")
        }
        let shard = try RowShard(points, world: world)
        var em = ExpectationMaximization(points: points, shard: shard, k: components, regularization: regularization, threads: threads)
        return try em.run(initialLabels: initialLabels, maxIterations: maxIterations, tolerance: tolerance, world: world)
    }
}

/// The outcome of `GaussianMixture.fit`, the same on every rank except `labels`.
public struct GaussianMixtureResult: Sendable {
    /// Mixing weights, summing to 1.
    public var weights: [Double]
    /// `components × dims` means, row-major.
    public var means: [Double]
    /// `components × dims × dims` covariances (regularisation included), row-major.
    public var covariances: [Double]
    /// The component of highest responsibility for each of this rank's rows.
    public var labels: [Int]
    /// Mean log-likelihood per row under the final mixture (scikit-learn's `score`).
    public var logLikelihood: Double
    /// Mean log-likelihood per row at each EM step of the kept run (never falls).
    public var logLikelihoodHistory: [Double]
    public var iterations: Int
    /// Whether the kept run stopped on `tolerance` rather than `maxIterations`.
    public var converged: Bool
    /// Rows per component over all ranks (by label).
    public var sizes: [Int]
}
