import ArgumentParser
import Datasets

/// The input options every data-reading subcommand shares (vectorize, train, run).
struct DataOptions: ParsableArguments {
    @Option(help: "Input file: a CSV of documents (IMDB), a numeric CSV, an IDX file (gzip or plain) or a .npy array.")
    var input: String

    @Option(help: ArgumentHelp("Input format: text-csv, numeric-csv, idx or npy (default: from the file name; .csv is text-csv).",
                               valueName: "format"))
    var format: String?

    @Option(help: "Text CSV: the column holding the documents.")
    var textColumn = "review"

    @Option(help: "CSV: the label column (default: 'sentiment' when the header has it).")
    var labelColumn: String?

    @Flag(help: "Ignore labels even when the input has them.")
    var noLabels = false

    @Option(help: "Text: vocabulary size (terms of highest corpus count).")
    var maxFeatures = 5000

    @Option(help: "Share of the rows held out as the test part (scikit-learn's train_test_split); 0 trains on every row.")
    var testSize = 0.5

    @Option(help: "Seed of the split (and of every other random choice of the run).")
    var seed = 13

    @Option(help: "Validation rows: the first this many rows of the test part.")
    var validationRows = 2000

    @Option(help: "Read only the first N rows of the input (before splitting).")
    var maxRows: Int?

    func validate() throws {
        if let format, DataFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(format)').")
        }
        guard maxFeatures >= 1 else { throw ValidationError("--max-features must be at least 1 (got \(maxFeatures)).") }
        guard testSize >= 0 && testSize < 1 else {
            throw ValidationError("--test-size must be at least 0 and below 1 (got \(testSize)); use 0 to train on every row.")
        }
        guard seed >= 0 && seed <= Int(UInt32.max) else { throw ValidationError("--seed must be in 0...\(UInt32.max) (got \(seed)).") }
        guard validationRows >= 0 else { throw ValidationError("--validation-rows must be 0 or more (got \(validationRows)).") }
        if let maxRows, maxRows < 1 { throw ValidationError("--max-rows must be at least 1 (got \(maxRows)).") }
        if noLabels && labelColumn != nil { throw ValidationError("--no-labels and --label-column contradict each other; pass one.") }
    }

    /// The dataset these options describe.
    var spec: DatasetSpec {
        let labels: LabelColumn = noLabels ? .none : labelColumn.map { .required($0) } ?? .ifPresent("sentiment")
        return DatasetSpec(path: input, format: format.flatMap(DataFormat.init(rawValue:)), textColumn: textColumn,
                           labelColumn: labels, maxFeatures: maxFeatures, testSize: testSize, seed: UInt32(seed),
                           validationRows: validationRows, maxRows: maxRows)
    }
}
