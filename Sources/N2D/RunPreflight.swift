import Collectives
import UMAP

/// Settings that can only be checked once the row count is known (neighbours, clusters and mixture
/// components against the rows), checked right after loading so that a flag error ends the job
/// before hours of training rather than after.
enum RunPreflight {
    /// Agreed on every rank: throws a `RankFailure` naming the flag when `rows` cannot satisfy it.
    static func check(_ job: JobConfiguration, rows: Int, world: Communicator) throws {
        try world.agreeing("check settings against the data") {
            if job.manifold == .umap {
                try job.umap.validate(rows: rows)
            } else if job.isomap.neighbors >= rows || job.isomap.components >= rows {
                throw PreflightError("--isomap-neighbors (\(job.isomap.neighbors)) and --isomap-components (\(job.isomap.components)) must be below the \(rows) training rows")
            }
            let cluster = job.cluster
            guard cluster.kmeansClusters <= rows else {
                throw PreflightError("--kmeans-clusters is \(cluster.kmeansClusters) but the data has only \(rows) training rows; choose at most \(rows)")
            }
            guard cluster.gmmComponents <= rows else {
                throw PreflightError("--gmm-components is \(cluster.gmmComponents) but the data has only \(rows) training rows; choose at most \(rows)")
            }
        }
    }
}

/// A setting the data cannot satisfy, with the flag to change.
struct PreflightError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
