import Autoencoder
import Collectives
import Datasets
import Foundation
import LinearAlgebra
import Storage
import TextFeatures

/// What a reader did with one input.
public enum FuzzOutcome: CustomStringConvertible {
    case accepted
    case refused(String)

    public var description: String {
        switch self {
        case .accepted: return "accepted"
        case .refused(let message): return "refused: \(message)"
        }
    }
}

/// A file reader under fuzzing: valid seed inputs and the call that parses bytes.
public struct FuzzTarget {
    public let seeds: () -> [[UInt8]]
    public let parse: ([UInt8]) throws -> Void

    /// Runs the reader on `bytes`, turning a thrown error into `.refused`.
    public func run(_ bytes: [UInt8]) -> FuzzOutcome {
        do {
            try parse(bytes)
            return .accepted
        } catch {
            return .refused("\(error)")
        }
    }

    /// Every fuzzed reader, by name. Readers that take a path get each input through a scratch file
    /// whose name starts with `fuzz.` (see `ScratchFile`), so their messages name it.
    public static let all: [String: FuzzTarget] = [
        "npy": FuzzTarget(
            seeds: {
                [NPY.encode(Matrix(rows: 3, cols: 4, storage: (0..<12).map(Float.init))),
                 NPY.encode(Matrix(rows: 1, cols: 1, storage: [2.5])),
                 NPY.encode([1, 2, 3, 4], shape: [2, 2])]
            },
            parse: { _ = try NPY.decodeMatrix($0, path: "fuzz.npy") }),
        "csv": FuzzTarget(
            seeds: { FuzzSeeds.textCSVs },
            parse: { bytes in
                let index = try CSVIndex(path: ScratchFile.write(bytes, name: "fuzz.csv"))
                try index.readRecords(Array(index.records.indices)) { _, _, _ in }
            }),
        "numeric-csv": FuzzTarget(
            seeds: { FuzzSeeds.numericCSVs },
            parse: { _ = try FuzzSeeds.load(bytes: $0, name: "fuzz.csv", format: .numericCSV) }),
        "idx": FuzzTarget(
            seeds: { FuzzSeeds.idxFiles },
            parse: { _ = try FuzzSeeds.load(bytes: $0, name: "fuzz.idx", format: .idx) }),
        "checkpoint": FuzzTarget(
            seeds: { FuzzSeeds.checkpoints },
            parse: { _ = try CheckpointFile.read(path: ScratchFile.write($0, name: "fuzz.ckpt")) }),
    ]
}

/// Valid inputs the mutations start from, and the loader the dataset targets call.
enum FuzzSeeds {
    static let textCSVs: [[UInt8]] = [
        "review,sentiment\n\"A fine, long film\",positive\nplain words here,negative\n",
        "a,b,c\n1,\"two \"\"quoted\"\"\",3\r\n4,5,\"six\nlines\"\n",
        "id;text\n",
    ].map { Array($0.utf8) }

    static let numericCSVs: [[UInt8]] = [
        "a,b,label\n1,2.5,x\n-3,4e2,y\n0.5,7,x\n",
        "f1,f2,f3\n0,0,0\n1,1,1\n",
    ].map { Array($0.utf8) }

    static let idxFiles: [[UInt8]] = [
        [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2] + (0..<8).map(UInt8.init),
        [0, 0, 8, 1, 0, 0, 0, 4, 1, 2, 3, 4],
        [0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 1, 9, 8, 7],
    ]

    /// Two checkpoints written by the real trainer (1 epoch on a few rows), read back as bytes.
    static let checkpoints: [[UInt8]] = [(4, [3], 2), (6, [5, 4], 3)].map { width, hidden, bottleneck in
        let path = ScratchFile.directory + "/seed.ckpt"
        var config = TrainingConfiguration(architecture: Architecture(inputWidth: width, hidden: hidden, bottleneck: bottleneck))
        config.epochs = 1
        config.batchSize = 2
        config.checkpointPath = path
        let data = Matrix(rows: 4, cols: width, storage: (0..<4 * width).map { Float($0 % 5) / 5 })
        _ = try! Trainer(configuration: config, communicator: LocalCommunicator()).train(training: .dense(data))
        return Array(FileManager.default.contents(atPath: path)!)
    }

    /// Loads `bytes` as one rank would (`Dataset.load` on a local communicator), every row training.
    static func load(bytes: [UInt8], name: String, format: DataFormat) throws -> DatasetShard {
        let path = try ScratchFile.write(bytes, name: name)
        let spec = DatasetSpec(path: path, format: format, labelColumn: .none, testSize: 0, validationRows: 0)
        return try Dataset.load(spec, world: LocalCommunicator())
    }
}

/// One scratch directory per process (in /dev/shm when it exists), whose files are rewritten for
/// each input; removed when the process exits normally.
enum ScratchFile {
    static let directory: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/n2d-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ScratchFile.directory) }
        return path
    }()

    /// Writes `bytes` to `directory/name` and returns the path.
    static func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = directory + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw FileError(path: path, problem: "the fuzzer cannot write its scratch file")
        }
        return path
    }
}
