import ArgumentParser
import Datasets
import N2D

/// The input options every data-reading subcommand shares (vectorize, train, run).
struct DataOptions: ParsableArguments {
    @Option(help: "Input file: a CSV of documents (IMDB), a numeric CSV, an IDX file (gzip or plain) or a .npy array. Repeat it to read several files of one format as one input, their rows in the order given (default: \(Preset.defaults { $0.data.inputName })).")
    var input: [String] = []

    @Option(help: ArgumentHelp("Input format: \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")) (default: the preset's with its own input, else from the file name; .csv is text-csv).",
                               valueName: "format"))
    var format: String?

    @Option(help: "Text CSV: the column holding the documents (default: \(Preset.defaults { $0.data.textColumn })).")
    var textColumn: String?

    @Option(help: "CSV: the label column, required when given (default: \(Preset.defaults { Self.describe($0.data.labelColumn) })).")
    var labelColumn: String?

    @Flag(help: "Ignore labels even when the input has them.")
    var noLabels = false

    @Option(help: "Text: vocabulary size (terms of highest corpus count; default \(Preset.defaults { $0.data.maxFeatures })).")
    var maxFeatures: Int?

    @Option(help: "Share of the rows held out as the test part (scikit-learn's train_test_split); 0 trains on every row (default: \(Preset.defaults { $0.data.testSize })).")
    var testSize: Double?

    @Option(help: "Validation rows: the first this many rows of the test part (default \(Preset.defaults { $0.data.validationRows })).")
    var validationRows: Int?

    @Option(help: "Read only the first N rows of the input (over its files in order, before splitting).")
    var maxRows: Int?

    func validate() throws {
        if let format, DataFormat(rawValue: format) == nil {
            throw ValidationError("--format must be one of \(DataFormat.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(format)').")
        }
        if noLabels && labelColumn != nil { throw ValidationError("--no-labels and --label-column contradict each other; pass one.") }
    }

    func apply(to overrides: inout JobOverrides) {
        overrides.input = input.isEmpty ? nil : input
        overrides.format = format.flatMap(DataFormat.init(rawValue:))
        overrides.textColumn = textColumn
        overrides.labelColumn = labelColumn
        overrides.noLabels = noLabels
        overrides.maxFeatures = maxFeatures
        overrides.testSize = testSize
        overrides.validationRows = validationRows
        overrides.maxRows = maxRows
    }

    static func describe(_ labels: LabelColumn) -> String {
        switch labels {
        case .none: return "none"
        case .ifPresent(let column): return "'\(column)' when the header has it"
        case .required(let column): return "'\(column)'"
        }
    }
}
