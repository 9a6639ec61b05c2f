import Collectives
import LinearAlgebra
import Storage
import TextFeatures

/// Which rows of an input `n2d-mpi predict` places.
public enum RowSelection: String, Sendable, CaseIterable {
    /// Every row of the file.
    case all
    /// The training part of the split the model's run used (the same file is required).
    case train
    /// The test part of that split.
    case test
}

/// This rank's block of the rows to place, featurized as the model's training rows were.
public struct PredictionRows {
    public var features: FeatureMatrix
    /// This rank's block among the selected rows, and their count over all ranks.
    public var rows: Range<Int>
    public var total: Int
    /// The input row index of each of this rank's rows.
    public var sourceRows: [Int]
    /// The label text of each of this rank's rows, when the input has labels.
    public var labels: [String]?
}

extension Dataset {
    /// Loads the rows `selection` picks from `spec`'s input (a collective): every rank reads its
    /// `RowPartition` block of them. Text is counted against `vocabulary` (the model's: words it does
    /// not hold are dropped); other inputs must be `columns` wide. A split selection recomputes the
    /// model's split (`spec`'s test size and seed) and needs the file the model was made from, of
    /// `modelInputRows` rows. Errors are agreed over ranks and name the file.
    public static func loadRows(_ spec: DatasetSpec, selection: RowSelection, vocabulary: Vocabulary?, columns: Int,
                                modelInputRows: Int, world: Communicator) throws -> PredictionRows {
        let source = try world.agreeing("read input") { () -> RowSource in
            let (_, source) = try open(spec)
            guard source.rowCount > 0 else { throw DatasetError("\(spec.inputName) holds no data rows") }
            if selection != .all, source.rowCount != modelInputRows {
                throw DatasetError("\(spec.inputName) has \(source.rowCount) rows, but --split \(selection.rawValue) picks rows of the split of the model's input, which had \(modelInputRows); pass that file, or leave out --split to place every row")
            }
            return source
        }
        let selected: [Int]
        switch selection {
        case .all: selected = Array(0..<source.rowCount)
        case .train, .test:
            let split = TrainTestSplit(rows: source.rowCount, testSize: spec.testSize, seed: spec.seed)
            selected = selection == .train ? split.train : split.test
        }
        let partition = RowPartition(total: selected.count, size: world.size)
        let range = partition.range(of: world.rank)
        let mine = Array(selected[range])
        let (features, labels) = try world.agreeing("read input") { () -> (FeatureMatrix, [String]?) in
            guard !selected.isEmpty else { throw DatasetError("\(spec.inputName): --split \(selection.rawValue) selects no rows") }
            let (raw, labels) = try source.read(mine)
            return (try featurize(raw), labels)
        }
        return PredictionRows(features: features, rows: range, total: selected.count, sourceRows: mine, labels: labels)

        func featurize(_ raw: RawRows) throws -> FeatureMatrix {
            switch raw {
            case .text(let texts, _):
                guard let vocabulary else {
                    throw DatasetError("\(spec.inputName) holds text, but the model was trained on \(columns) numeric columns")
                }
                return .sparse(ReviewVectorizer(maxFeatures: vocabulary.count).count(texts).bag.matrix(over: vocabulary))
            case .dense(let m):
                guard vocabulary == nil else { throw DatasetError("\(spec.inputName) holds numbers, but the model was trained on text") }
                guard m.cols == columns || m.rows == 0 else {
                    throw DatasetError("\(spec.inputName) has \(m.cols) columns, but the model was trained on \(columns)")
                }
                return .dense(m.rows == 0 ? Matrix(rows: 0, cols: columns) : m)
            }
        }
    }
}
