import ArgumentParser
import N2D

extension Preset: ExpressibleByArgument {}

/// The options that every stage subcommand and `run` share: the preset whose values fill every flag
/// left out, the seed of every random choice, and the output directory.
struct JobOptions: ParsableArguments {
    @Option(help: "Defaults for the job: imdb (the reference IMDB pipeline) or fashion-mnist (the N2D paper's benchmark). Every value can be overridden by its flag.")
    var preset: Preset = .imdb

    @Option(help: "Seed of every random choice: split, shuffles, initialisation, UMAP, KMeans.")
    var seed = 13

    @Option(help: "Directory of the artifacts (created when missing); later stages read what earlier ones left there.")
    var outputDir = "n2d-output"

    func validate() throws {
        guard seed >= 0 && seed <= Int(UInt32.max) else { throw ValidationError("--seed must be in 0...\(UInt32.max) (got \(seed)).") }
        guard !outputDir.isEmpty else { throw ValidationError("--output-dir must not be empty.") }
    }

    /// The values of the chosen preset.
    var values: PresetValues { preset.values }
}
