import ArgumentParser
import N2D

extension Preset: ExpressibleByArgument {}

/// A command that runs (part of) a job: its option groups fill the overrides, and the job is
/// resolved from the preset and checked in one place (`JobConfiguration.resolve`, `validate`).
protocol JobCommand: ParsableCommand {
    /// Writes every flag the user gave into `overrides`.
    func apply(to overrides: inout JobOverrides)
}

extension JobCommand {
    /// The job these flags describe.
    var job: JobConfiguration {
        var overrides = JobOverrides()
        apply(to: &overrides)
        return JobConfiguration.resolve(overrides)
    }

    /// Rejects settings no data could run with, naming the flag.
    func validateJob() throws {
        do { try job.validate() } catch let error as ConfigurationError { throw ValidationError(error.description + ".") }
    }
}

/// The options that every stage subcommand and `run` share: the preset whose values fill every flag
/// left out, the seed of every random choice, and the output directory.
struct JobOptions: ParsableArguments {
    @Option(help: "Defaults for the job: imdb (the reference IMDB pipeline) or fashion-mnist (the N2D paper's benchmark). Every value can be overridden by its flag (default \(JobOptions.defaultJob.preset.rawValue)).")
    var preset: Preset?

    @Option(help: "Seed of every random choice: split, shuffles, initialisation, UMAP, KMeans (default \(JobOptions.defaultJob.seed)).")
    var seed: Int?

    @Option(help: "Directory of the artifacts (created when missing); later stages read what earlier ones left there (default \(JobOptions.defaultJob.outputDirectory)).")
    var outputDir: String?

    static let defaultJob = JobConfiguration.resolve(JobOverrides())

    func validate() throws {
        if let seed, !(seed >= 0 && seed <= Int(UInt32.max)) { throw ValidationError("--seed must be in 0...\(UInt32.max) (got \(seed)).") }
    }

    func apply(to overrides: inout JobOverrides) {
        overrides.preset = preset
        overrides.seed = seed.map { UInt32(clamping: $0) }
        overrides.outputDirectory = outputDir
    }
}
