import ArgumentParser
import Datasets

/// The input options every data-reading subcommand shares (vectorize, train, run).
struct DataOptions: ParsableArguments {
    @Option(help: "Input file: a CSV of documents (IMDB), a numeric CSV, an IDX file (gzip or plain) or a .npy array (default: the preset's: data/IMDB Dataset.csv, or Fashion-MNIST's training images from Debian's dataset-fashion-mnist).")
    var input: String?

    @Option(help: ArgumentHelp("Input format: text-csv, numeric-csv, idx or npy (default: from the file name; .csv is text-csv).",
                               valueName: "format"))
    var format: String?

    @Option(help: "Text CSV: the column holding the documents (default: review).")
    var textColumn: String?

    @Option(help: "CSV: the label column (default: 'sentiment' when the header has it).")
    var labelColumn: String?

    @Flag(help: "Ignore labels even when the input has them.")
    var noLabels = false

    @Option(help: "Text: vocabulary size (terms of highest corpus count; default 5000).")
    var maxFeatures: Int?

    @Option(help: "Share of the rows held out as the test part (scikit-learn's train_test_split); 0 trains on every row (default: imdb 0.5, fashion-mnist 0).")
    var testSize: Double?

    @Option(help: "Validation rows: the first this many rows of the test part.")
    var validationRows = 2000

    @Option(help: "Read only the first N rows of the input (before splitting).")
    var maxRows: Int?

    func validate() throws {
        if let format, DataFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(format)').")
        }
        if let maxFeatures, maxFeatures < 1 { throw ValidationError("--max-features must be at least 1 (got \(maxFeatures)).") }
        if let testSize, !(testSize >= 0 && testSize < 1) {
            throw ValidationError("--test-size must be at least 0 and below 1 (got \(testSize)); use 0 to train on every row.")
        }
        guard validationRows >= 0 else { throw ValidationError("--validation-rows must be 0 or more (got \(validationRows)).") }
        if let maxRows, maxRows < 1 { throw ValidationError("--max-rows must be at least 1 (got \(maxRows)).") }
        if noLabels && labelColumn != nil { throw ValidationError("--no-labels and --label-column contradict each other; pass one.") }
    }

    /// The dataset these options describe, the preset filling what was left out (its format only
    /// with its own input; a given --input's format comes from --format or the file name).
    func spec(_ job: JobOptions) -> DatasetSpec {
        let preset = job.values
        let defaultLabels: LabelColumn = preset.labelColumn.map { .ifPresent($0) } ?? .none
        let labels: LabelColumn = noLabels ? .none : labelColumn.map { .required($0) } ?? defaultLabels
        return DatasetSpec(path: input ?? preset.input,
                           format: format.flatMap(DataFormat.init(rawValue:)) ?? (input == nil ? DataFormat(rawValue: preset.format) : nil),
                           textColumn: textColumn ?? preset.textColumn ?? "review", labelColumn: labels,
                           maxFeatures: maxFeatures ?? preset.maxFeatures ?? 5000, testSize: testSize ?? preset.testSize,
                           seed: UInt32(job.seed), validationRows: validationRows, maxRows: maxRows)
    }
}
