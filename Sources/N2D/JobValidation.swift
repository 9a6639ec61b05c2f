import UMAP

/// A setting no data can satisfy, with the flag to change.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ flag: String, _ problem: String) { description = "\(flag) \(problem)" }
}

extension JobConfiguration {
    /// Throws a `ConfigurationError` naming the flag of the first setting that no data could run
    /// with. The one place these rules live: the command line calls it before any work starts, and
    /// the checks against the data's row count (`RunPreflight`) come after loading.
    public func validate() throws {
        let d = data, t = training, c = cluster
        if outputDirectory.isEmpty { throw ConfigurationError("--output-dir", "must not be empty") }
        if d.maxFeatures < 1 { throw ConfigurationError("--max-features", "must be at least 1 (got \(d.maxFeatures))") }
        if !(d.testSize >= 0 && d.testSize < 1) {
            throw ConfigurationError("--test-size", "must be at least 0 and below 1 (got \(d.testSize)); use 0 to train on every row")
        }
        if d.validationRows < 0 { throw ConfigurationError("--validation-rows", "must be 0 or more (got \(d.validationRows))") }
        if let maxRows = d.maxRows, maxRows < 1 { throw ConfigurationError("--max-rows", "must be at least 1 (got \(maxRows))") }
        if t.hidden.isEmpty || t.hidden.contains(where: { $0 < 1 }) {
            throw ConfigurationError("--hidden", "must be positive integers separated by commas, e.g. --hidden 1024,512,256")
        }
        if t.bottleneck < 1 { throw ConfigurationError("--bottleneck", "must be at least 1 (got \(t.bottleneck))") }
        if t.epochs < 1 { throw ConfigurationError("--epochs", "must be at least 1 (got \(t.epochs))") }
        if t.batchSize < 1 { throw ConfigurationError("--batch-size", "must be at least 1 (got \(t.batchSize))") }
        if !(t.learningRate > 0 && t.learningRate.isFinite) {
            throw ConfigurationError("--learning-rate", "must be a positive number such as 1e-3 (got \(t.learningRate))")
        }
        if let budget = run.budgetMinutes, !(budget > 0 && budget.isFinite) {
            throw ConfigurationError("--budget", "must be a positive number of minutes, such as 30 (got \(budget))")
        }
        if run.checkpointEvery < 1 { throw ConfigurationError("--checkpoint-every", "must be at least 1 (got \(run.checkpointEvery))") }
        do { try umap.validate() } catch let error as UMAPError { throw ConfigurationError(error) }
        if isomap.neighbors < 1 { throw ConfigurationError("--isomap-neighbors", "must be at least 1 (got \(isomap.neighbors))") }
        if isomap.components < 1 { throw ConfigurationError("--isomap-components", "must be at least 1 (got \(isomap.components))") }
        if let landmarks = isomap.landmarks, landmarks < 0 {
            throw ConfigurationError("--isomap-landmarks", "must be 0 (exact), a positive count, or auto (got \(landmarks))")
        }
        if case .fixed(let eps) = c.dbscanEps, !(eps > 0) {
            throw ConfigurationError("--dbscan-eps", "must be a positive number or 'auto' (got \(eps))")
        }
        if c.dbscanMinSamples < 1 { throw ConfigurationError("--dbscan-min-samples", "must be at least 1 (got \(c.dbscanMinSamples))") }
        if c.kmeansClusters < 1 { throw ConfigurationError("--kmeans-clusters", "must be at least 1 (got \(c.kmeansClusters))") }
        if c.kmeansInitializations < 1 { throw ConfigurationError("--kmeans-n-init", "must be at least 1 (got \(c.kmeansInitializations))") }
        if c.gmmComponents < 0 { throw ConfigurationError("--gmm-components", "must be 0 (off) or more (got \(c.gmmComponents))") }
        if c.silhouetteSample < 2 { throw ConfigurationError("--silhouette-sample", "must be at least 2 (got \(c.silhouetteSample))") }
    }
}

extension ConfigurationError {
    init(_ error: UMAPError) {
        switch error {
        case let .invalid(flag, problem): self.init(flag, problem)
        }
    }
}
