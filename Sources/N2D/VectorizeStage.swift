import Collectives
import Datasets
import Foundation
import LinearAlgebra
import Storage

/// The `vectorize` stage: load the input over the ranks (`Dataset.load`) and record what was built.
public enum VectorizeStage {
    /// The files the stage writes into the output directory.
    public static let vocabularyFile = "vocabulary.tsv"
    public static let trainSplitFile = "split_train.txt"
    public static let testSplitFile = "split_test.txt"

    /// Loads `spec` on every rank (a collective), then rank 0 writes `vocabulary.tsv` (text only),
    /// `split_train.txt` / `split_test.txt` (input row indices in split order, one per line) and the
    /// "vectorize" section of `metrics.json` into `outputDirectory`, each file atomically. Nothing is
    /// written when loading fails. Returns this rank's shard and the summary (the same on every rank).
    public static func run(_ spec: DatasetSpec, outputDirectory: String, world: Communicator) throws -> (DatasetShard, VectorizeSummary) {
        let start = Date()
        let shard = try Dataset.load(spec, world: world)
        let seconds = Date().timeIntervalSince(start)
        let digests = (shard.training.digest(world: world), shard.validation.digest(world: world))
        let summary = VectorizeSummary(spec: spec, shard: shard, digests: digests, ranks: world.size, seconds: seconds)
        try world.agreeing("write vectorize outputs") {
            guard world.rank == 0 else { return }
            try writeArtifacts(shard, summary: summary, to: outputDirectory)
        }
        return (shard, summary)
    }

    /// Writes the stage's files (rank 0's job).
    public static func writeArtifacts(_ shard: DatasetShard, summary: VectorizeSummary, to directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: directory, problem: "cannot create the output directory (\(error.localizedDescription))")
        }
        if let vocabulary = shard.vocabulary {
            try AtomicFile.write(vocabulary.tsv, to: directory + "/" + vocabularyFile)
        }
        try AtomicFile.write(lines(shard.split.train), to: directory + "/" + trainSplitFile)
        try AtomicFile.write(lines(shard.split.test), to: directory + "/" + testSplitFile)
        try MetricsFile.update(directory: directory, section: "vectorize", value: summary.json)
    }

    private static func lines(_ rows: [Int]) -> String {
        rows.map(String.init).joined(separator: "\n") + (rows.isEmpty ? "" : "\n")
    }
}

/// What `vectorize` built, for metrics.json and the console.
public struct VectorizeSummary: Equatable, Sendable {
    public var input: String
    public var format: String
    public var inputRows: Int
    public var trainingRows: Int
    public var testRows: Int
    public var validationRows: Int
    public var columns: Int
    public var nonZeros: Int
    public var emptyRows: Int
    public var emptyAfterCleaning: Int
    public var invalidUTF8Replacements: Int
    public var labels: [String]
    /// `ShardPart.digest` of the training and validation matrices: equal across rank counts.
    public var trainingDigest: String
    public var validationDigest: String
    public var ranks: Int
    public var seconds: Double

    public init(spec: DatasetSpec, shard: DatasetShard, digests: (training: String, validation: String), ranks: Int, seconds: Double) {
        input = spec.inputName
        format = shard.format.rawValue
        inputRows = shard.inputRows
        trainingRows = shard.training.total
        testRows = shard.split.test.count
        validationRows = shard.validation.total
        columns = shard.columns
        nonZeros = shard.counts.trainingNonZeros
        emptyRows = shard.counts.emptyTrainingRows
        emptyAfterCleaning = shard.counts.emptyAfterCleaning
        invalidUTF8Replacements = shard.counts.invalidUTF8Replacements
        labels = shard.labelNames
        trainingDigest = digests.training
        validationDigest = digests.validation
        self.ranks = ranks
        self.seconds = seconds
    }

    /// Non-zeros over all training cells.
    public var density: Double { trainingRows * columns == 0 ? 0 : Double(nonZeros) / Double(trainingRows * columns) }

    /// The "vectorize" section of metrics.json.
    public var json: [String: Any] {
        ["input": input, "format": format, "input_rows": inputRows, "training_rows": trainingRows,
         "test_rows": testRows, "validation_rows": validationRows, "columns": columns, "non_zeros": nonZeros,
         "density": density, "empty_rows": emptyRows, "empty_after_cleaning": emptyAfterCleaning,
         "invalid_utf8_replaced": invalidUTF8Replacements, "labels": labels, "training_digest": trainingDigest,
         "validation_digest": validationDigest, "ranks": ranks, "seconds": seconds]
    }

    /// A few lines for people.
    public var text: String {
        var lines = ["vectorize: \(input) (\(format)): \(inputRows) rows → \(trainingRows) training, \(testRows) test (\(validationRows) for validation)",
                     String(format: "  training matrix %d × %d, %d non-zeros (density %.2f%%, %.1f per row), %d empty rows",
                            trainingRows, columns, nonZeros, 100 * density, Double(nonZeros) / Double(max(trainingRows, 1)), emptyRows)]
        if emptyAfterCleaning > 0 { lines.append("  \(emptyAfterCleaning) documents empty after cleaning") }
        if invalidUTF8Replacements > 0 { lines.append("  \(invalidUTF8Replacements) invalid UTF-8 sequences replaced by U+FFFD") }
        if !labels.isEmpty { lines.append("  labels: \(labels.joined(separator: ", "))") }
        lines.append(String(format: "  %.2f s on %d rank%@", seconds, ranks, ranks == 1 ? "" : "s"))
        return lines.joined(separator: "\n")
    }
}
