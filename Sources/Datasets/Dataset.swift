import Collectives
import LinearAlgebra
import Storage
import TextFeatures

/// The one entry point the pipeline calls to turn an input file into this rank's rows.
public enum Dataset {
    /// Loads `spec` on every rank of `world` (a collective).
    ///
    /// Every rank opens the input and learns its row count (the first `maxRows`), computes the same
    /// seeded split, and takes its `RowPartition` block of the training rows (in split order) and of
    /// the validation rows (the first `validationRows` of the test part). It reads only those rows.
    /// Text rows are cleaned and counted locally; the vocabulary is fitted from counts summed over
    /// ranks and the validation rows use it. Label names are agreed over ranks.
    ///
    /// Errors a rank meets while reading (missing file, bad CSV, bad values, fewer training rows than
    /// ranks) are agreed: every rank throws the same `RankFailure`, carrying the message.
    public static func load(_ spec: DatasetSpec, world: Communicator) throws -> DatasetShard {
        let (format, source) = try world.agreeing("read input") { () -> (DataFormat, RowSource) in
            let (format, source) = try open(spec)
            guard source.rowCount > 0 else { throw DatasetError("\(spec.inputName) holds no data rows") }
            return (format, source)
        }
        let split = TrainTestSplit(rows: source.rowCount, testSize: spec.testSize, seed: spec.seed)
        let validationIDs = Array(split.test.prefix(spec.validationRows))
        let trainPartition = RowPartition(total: split.train.count, size: world.size)
        let validationPartition = RowPartition(total: validationIDs.count, size: world.size)
        let trainRange = trainPartition.range(of: world.rank)
        let validationRange = validationPartition.range(of: world.rank)
        let trainIDs = Array(split.train[trainRange])
        let myValidationIDs = Array(validationIDs[validationRange])

        let (trainRaw, validationRaw) = try world.agreeing("read input") { () throws -> (RowsRead, RowsRead) in
            guard split.train.count >= world.size else {
                throw DatasetError("\(spec.inputName): \(split.train.count) training rows cannot be shared by \(world.size) rank\(world.size == 1 ? "" : "s"); use fewer ranks or more rows")
            }
            return (try source.read(trainIDs), try source.read(myValidationIDs))
        }

        let localLabelNames = Set((trainRaw.labels ?? []) + (validationRaw.labels ?? []))
        let hasLabels = trainRaw.labels != nil
        let labelNames = hasLabels ? LabelEncoding.names(localLabelNames, world: world) : []
        let labelIndex = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, $0) })
        func encode(_ labels: [String]?) -> [Int]? { labels.map { $0.map { labelIndex[$0]! } } }

        var counts = IngestCounts()
        let features = buildFeatures(spec, world: world, training: trainRaw.rows, validation: validationRaw.rows, counts: &counts)
        try world.agreeing("read input") {
            guard features.training.cols > 0 else {
                throw DatasetError("\(spec.inputName): no features: every training document is empty after cleaning, tokenizing and dropping stop words")
            }
        }
        return DatasetShard(
            format: format,
            training: ShardPart(features: features.training, rows: trainRange, total: split.train.count,
                                sourceRows: trainIDs, labels: encode(trainRaw.labels)),
            validation: ShardPart(features: features.validation, rows: validationRange, total: validationIDs.count,
                                  sourceRows: myValidationIDs, labels: encode(validationRaw.labels)),
            labelNames: labelNames, vocabulary: features.vocabulary, split: split,
            inputRows: source.rowCount, counts: counts)
    }

    /// Opens `spec`'s files (each checked to exist first) as one source, with their format.
    /// `maxRows` counts over the files in order: files past it are not read.
    static func open(_ spec: DatasetSpec) throws -> (DataFormat, RowSource) {
        for path in spec.paths { try InputFile.check(path) }
        let format = try spec.resolvedFormat()
        var parts: [(path: String, source: RowSource)] = []
        var remaining = spec.maxRows
        for path in spec.paths where remaining.map({ $0 > 0 }) ?? true {
            let part = try openFile(path, format, spec, maxRows: remaining)
            parts.append((path, part))
            remaining = remaining.map { $0 - part.rowCount }
        }
        return (format, parts.count == 1 ? parts[0].source : try ConcatenatedSource(parts))
    }

    private static func openFile(_ path: String, _ format: DataFormat, _ spec: DatasetSpec, maxRows: Int?) throws -> RowSource {
        switch format {
        case .textCSV: return try TextCSVSource(path: path, spec: spec, maxRows: maxRows)
        case .numericCSV: return try NumericCSVSource(path: path, spec: spec, maxRows: maxRows)
        case .idx: return try IDXSource(path: path, maxRows: maxRows)
        case .npy: return try NPYSource(path: path, maxRows: maxRows)
        }
    }

    /// Features of the raw rows: dense rows as they are; text counted against a vocabulary fitted
    /// over ranks (a collective). Fills `counts` with totals over ranks.
    private static func buildFeatures(_ spec: DatasetSpec, world: Communicator, training: RawRows, validation: RawRows,
                                      counts: inout IngestCounts)
        -> (training: FeatureMatrix, validation: FeatureMatrix, vocabulary: Vocabulary?) {
        var local = [Int64](repeating: 0, count: 4)
        let result: (training: FeatureMatrix, validation: FeatureMatrix, vocabulary: Vocabulary?)
        switch (training, validation) {
        case (.text(let trainTexts, let trainBad), .text(let validationTexts, let validationBad)):
            let vectorizer = ReviewVectorizer(maxFeatures: spec.maxFeatures)
            let train = vectorizer.count(trainTexts)
            let held = vectorizer.count(validationTexts)
            let (vocabulary, rows) = vectorizer.fitTransform(train.bag, world: world)
            local = [Int64(train.emptyAfterCleaning + held.emptyAfterCleaning),
                     Int64((0..<rows.rows).filter { rows.nonZeros(inRow: $0) == 0 }.count),
                     Int64(trainBad + validationBad), Int64(rows.nonZeroCount)]
            result = (.sparse(rows), .sparse(held.bag.matrix(over: vocabulary)), vocabulary)
        case (.dense(let train), .dense(let held)):
            let emptyRows = (0..<train.rows).filter { i in (0..<train.cols).allSatisfy { train[i, $0] == 0 } }.count
            local = [0, Int64(emptyRows), 0, Int64(train.storage.lazy.filter { $0 != 0 }.count)]
            result = (.dense(train), .dense(held), nil)
        default:
            preconditionFailure("a source returns one kind of rows")
        }
        world.allreduce(&local, op: .sum)
        counts = IngestCounts(emptyAfterCleaning: Int(local[0]), emptyTrainingRows: Int(local[1]),
                              invalidUTF8Replacements: Int(local[2]), trainingNonZeros: Int(local[3]))
        return result
    }
}
