import LinearAlgebra
import TextFeatures

/// One rank's block of the rows of a set (training or validation).
public struct ShardPart: Sendable {
    /// This rank's rows, in split order.
    public var features: FeatureMatrix
    /// The positions of these rows in the whole set (a `RowPartition` block).
    public var rows: Range<Int>
    /// The number of rows in the whole set, over all ranks.
    public var total: Int
    /// Per local row: its row index in the input file (0-based, header excluded).
    public var sourceRows: [Int]
    /// Per local row: the label's index in `DatasetShard.labelNames`; nil when the input has no labels.
    public var labels: [Int]?
}

/// Counts over all ranks that users should hear about.
public struct IngestCounts: Equatable, Sendable {
    /// Training and validation documents whose text is empty after cleaning.
    public var emptyAfterCleaning = 0
    /// Training rows without a single non-zero feature.
    public var emptyTrainingRows = 0
    /// Invalid UTF-8 sequences replaced by U+FFFD in the rows read.
    public var invalidUTF8Replacements = 0
    /// Non-zeros of the whole training matrix.
    public var trainingNonZeros = 0
}

/// What `Dataset.load` hands one rank: its training and validation rows and what they share.
public struct DatasetShard: Sendable {
    public var format: DataFormat
    public var training: ShardPart
    public var validation: ShardPart
    /// Label names, indexed by the label values (numeric names in numeric order, others sorted).
    public var labelNames: [String]
    /// Text only: the columns and their corpus counts over the training rows.
    public var vocabulary: Vocabulary?
    /// The split of the input rows (the same on every rank).
    public var split: TrainTestSplit
    /// Rows read from the input (after `maxRows`), before splitting.
    public var inputRows: Int
    public var counts: IngestCounts

    /// The feature count (columns).
    public var columns: Int { training.features.cols }
}
