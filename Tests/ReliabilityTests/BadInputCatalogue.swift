import Foundation
import LinearAlgebra
import Storage

/// One bad input: the files it needs (written by `prepare` into a fresh directory), the arguments of
/// the `n2d-mpi` subcommand `command` that use them, and a distinctive part of the message that must
/// name the problem.
struct BadInputCase {
    var name: String
    var prepare: (_ directory: String) throws -> [String]
    var expected: String
    var command = "run"
}

/// The catalogue of bad inputs that `n2d-mpi run` must refuse: malformed CSVs, truncated or hostile
/// binary files, non-finite values, absurd flags, unusable output directories. Every fixture is small
/// and generated here; every case uses the fast settings of `BadInputCatalogue.fast`.
enum BadInputCatalogue {
    /// Settings that keep a run short when a case is not refused (1 epoch, tiny network, short layout).
    static let fast = ["--test-size", "0", "--validation-rows", "0", "--epochs", "1", "--batch-size", "8",
                       "--hidden", "8", "--bottleneck", "2", "--umap-neighbors", "5", "--umap-epochs", "10",
                       "--kmeans-clusters", "2", "--kmeans-n-init", "1", "--dbscan-eps", "0.5",
                       "--dbscan-min-samples", "3", "--no-plots", "--blas-threads", "1"]

    /// A well-formed numeric CSV: `rows` rows of 4 features and a label.
    static func numericCSV(rows: Int = 40) -> String {
        var text = "a,b,c,d,label\n"
        for i in 0..<rows { text += "\(i % 7),\(Double(i) / 10),\((i * 3) % 11),\(i % 2),\(i % 3)\n" }
        return text
    }

    /// A well-formed text CSV of `rows` short reviews.
    static func textCSV(rows: Int = 40, document: (Int) -> String = { "\"great film \($0 % 5) acting plot story number\"" }) -> String {
        var text = "review,sentiment\n"
        for i in 0..<rows { text += "\(document(i)),\(i % 2 == 0 ? "positive" : "negative")\n" }
        return text
    }

    /// An IDX file of unsigned bytes: the header announces `dimensions`, followed by `payload` bytes.
    static func idx(dimensions: [UInt32], payload: Int) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for d in dimensions { bytes += [UInt8(d >> 24), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
        bytes += (0..<payload).map { UInt8($0 % 251) }
        return bytes
    }

    static func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
    static func write(_ text: String, _ path: String) throws { try write(Array(text.utf8), path) }

    /// A case whose input is one file named `file` with `bytes`, read as `format`.
    static func file(_ name: String, _ file: String, format: String, expected: String, extra: [String] = [],
                     _ bytes: @escaping () -> [UInt8]) -> BadInputCase {
        BadInputCase(name: name, prepare: { dir in
            try write(bytes(), dir + "/" + file)
            return ["--input", dir + "/" + file, "--format", format] + extra
        }, expected: expected)
    }

    /// A case that feeds the good numeric CSV with absurd `flags`.
    static func flags(_ name: String, _ flags: [String], expected: String) -> BadInputCase {
        BadInputCase(name: name, prepare: { dir in
            try write(numericCSV(), dir + "/good.csv")
            return ["--input", dir + "/good.csv", "--format", "numeric-csv"] + flags
        }, expected: expected)
    }

    static func text(_ string: String) -> () -> [UInt8] { { Array(string.utf8) } }

    /// Every problem a path can have (missing, a directory, a FIFO, a device, empty; unreadable when
    /// not root, as root reads anything), for every option of every subcommand that reads a file. The
    /// names have no extension, so a message about the format means the path was not checked first.
    static let pathCases: [BadInputCase] = {
        let readers: [(command: String, option: String, setUp: (_ directory: String) throws -> [String])] = [
            ("run", "--input", { _ in [] }), ("vectorize", "--input", { _ in [] }), ("train", "--input", { _ in [] }),
            ("embed", "--codes", { _ in [] }), ("cluster", "--embedding", { _ in [] }),
            ("cluster", "--labels", { dir in
                try write(NPY.encode(Matrix(rows: 40, cols: 2, storage: (0..<80).map { Float($0 % 13) })), dir + "/points.npy")
                return ["--embedding", dir + "/points.npy"]
            }),
        ]
        var problems: [(name: String, make: (_ directory: String) throws -> String, expected: String)] = [
            ("missing", { dir in dir + "/absent" }, "absent: no such file"),
            ("a directory", { dir in
                try FileManager.default.createDirectory(atPath: dir + "/folder", withIntermediateDirectories: false)
                return dir + "/folder"
            }, "folder: is a directory, not a file"),
            ("a FIFO", { dir in
                guard mkfifo(dir + "/pipe", 0o644) == 0 else { throw CocoaError(.fileWriteUnknown) }
                return dir + "/pipe"
            }, "pipe: is not a regular file (a FIFO)"),
            ("/dev/null", { _ in "/dev/null" }, "/dev/null: is not a regular file (a character device)"),
            ("empty", { dir in try write("", dir + "/empty"); return dir + "/empty" }, "empty: the file is empty"),
        ]
        if getuid() != 0 {
            problems.append(("unreadable", { dir in
                try write("1,2\n", dir + "/locked")
                guard chmod(dir + "/locked", 0) == 0 else { throw CocoaError(.fileWriteNoPermission) }
                return dir + "/locked"
            }, "locked: cannot be read (Permission denied)"))
        }
        return readers.flatMap { reader in
            problems.map { problem in
                BadInputCase(name: "path: \(reader.command) \(reader.option) \(problem.name)", prepare: { dir in
                    try reader.setUp(dir) + [reader.option, try problem.make(dir)]
                }, expected: problem.expected, command: reader.command)
            }
        }
    }()

    static let cases: [BadInputCase] = [
        // Malformed text CSVs.
        file("csv: unterminated quote", "reviews.csv", format: "text-csv", expected: "unterminated quoted field",
             text(textCSV(rows: 12) + "\"a review that never ends,positive\n")),
        file("csv: missing text column", "reviews.csv", format: "text-csv", expected: "no column named 'review'",
             text(textCSV().replacingOccurrences(of: "review,sentiment", with: "text,sentiment"))),
        file("csv: missing required label column", "reviews.csv", format: "text-csv", expected: "no column named 'stars'",
             extra: ["--label-column", "stars"], text(textCSV())),
        file("csv: wrong field count", "reviews.csv", format: "text-csv", expected: "expected 2 fields as in the header, found 3",
             text(textCSV(rows: 12) + "\"too many\",positive,extra\n")),
        file("csv: empty file", "reviews.csv", format: "text-csv", expected: "the file is empty", text("")),
        file("csv: only a header", "reviews.csv", format: "text-csv", expected: "holds no data rows", text("review,sentiment\n")),
        file("csv: only stop words", "reviews.csv", format: "text-csv", expected: "no features",
             text(textCSV { _ in "\"the and of a\"" })),

        // Numeric CSVs.
        file("numeric csv: NaN", "numbers.csv", format: "numeric-csv", expected: "NaN or infinite values are not accepted",
             text(numericCSV() + "1,nan,2,3,0\n")),
        file("numeric csv: infinity", "numbers.csv", format: "numeric-csv", expected: "NaN or infinite values are not accepted",
             text(numericCSV() + "1,2,inf,3,0\n")),
        file("numeric csv: not a number", "numbers.csv", format: "numeric-csv", expected: "'seven' is not a number",
             text(numericCSV() + "1,2,seven,3,0\n")),
        file("numeric csv: only the label column", "numbers.csv", format: "numeric-csv", expected: "no feature columns",
             extra: ["--label-column", "label"], text("label\n1\n2\n3\n")),

        // .npy arrays.
        file("npy: truncated", "data.npy", format: "npy", expected: "truncated") {
            Array(NPY.encode(Matrix(rows: 40, cols: 4, storage: (0..<160).map { Float($0 % 9) })).dropLast(37))
        },
        file("npy: NaN values", "data.npy", format: "npy", expected: "NaN or infinite") {
            var storage = (0..<160).map { Float($0 % 9) }
            storage[77] = .nan
            return NPY.encode(Matrix(rows: 40, cols: 4, storage: storage))
        },
        file("npy: infinite values", "data.npy", format: "npy", expected: "NaN or infinite") {
            var storage = (0..<160).map { Float($0 % 9) }
            storage[3] = -.infinity
            return NPY.encode(Matrix(rows: 40, cols: 4, storage: storage))
        },
        file("npy: header announces a huge shape", "data.npy", format: "npy", expected: "larger than n2d-mpi accepts") {
            let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 4), }".utf8)
            let padded = header + [UInt8](repeating: 32, count: 63 - (10 + header.count) % 64) + [10]
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(padded.count & 0xff), UInt8(padded.count >> 8)] + padded
                + [UInt8](repeating: 0, count: 640)
        },
        file("npy: not an npy file", "data.npy", format: "npy", expected: "not an .npy file", text(numericCSV())),

        // IDX files.
        file("idx: truncated data", "images-idx3-ubyte", format: "idx", expected: "truncated") {
            idx(dimensions: [100, 4, 4], payload: 3 * 16 + 5)
        },
        file("idx: truncated header", "images-idx3-ubyte", format: "idx", expected: "header announces 3 dimensions but ends early") {
            Array(idx(dimensions: [100, 4, 4], payload: 0).prefix(9))
        },
        file("idx: dimensions overflow", "images-idx3-ubyte", format: "idx", expected: "larger than n2d-mpi accepts") {
            idx(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: 64)
        },
        file("idx: huge row count, little data", "images-idx3-ubyte", format: "idx", expected: "truncated") {
            idx(dimensions: [0x7FFF_FFFF, 2, 2], payload: 64)
        },
        file("idx: wrong element type", "images-idx3-ubyte", format: "idx", expected: "unsupported IDX element type") {
            var bytes = idx(dimensions: [40, 2, 2], payload: 160)
            bytes[2] = 0x0D
            return bytes
        },

        // Absurd flags.
        flags("flag: --dbscan-eps 0", ["--dbscan-eps", "0"], expected: "--dbscan-eps must be a positive number"),
        flags("flag: --dbscan-eps=-1", ["--dbscan-eps=-1"], expected: "--dbscan-eps must be a positive number"),
        // Without '=', a negative number reads as a flag: the parser names the option left without a value.
        flags("flag: --dbscan-eps -1", ["--dbscan-eps", "-1"], expected: "Missing value for '--dbscan-eps"),
        flags("flag: --kmeans-clusters above the rows", ["--kmeans-clusters", "500"], expected: "--kmeans-clusters"),
        flags("flag: --umap-neighbors above the rows", ["--umap-neighbors", "500"], expected: "--umap-neighbors"),
        flags("flag: --gmm-components above the rows", ["--gmm-components", "500"], expected: "--gmm-components"),
        flags("flag: unknown --preset", ["--preset", "cifar"], expected: "cifar"),
        flags("flag: --epochs 0", ["--epochs", "0"], expected: "--epochs must be at least 1"),
        flags("flag: --batch-size 0", ["--batch-size", "0"], expected: "--batch-size must be at least 1"),
        flags("flag: --batch-size=-4", ["--batch-size=-4"], expected: "--batch-size must be at least 1"),
        flags("flag: --max-rows 0", ["--max-rows", "0"], expected: "--max-rows must be at least 1"),
        flags("flag: --hidden 8,0", ["--hidden", "8,0"], expected: "--hidden must be positive integers"),
        flags("flag: --bottleneck=-1", ["--bottleneck=-1"], expected: "--bottleneck must be at least 1"),
        flags("flag: --umap-components 0", ["--umap-components", "0"], expected: "--umap-components must be at least 1"),
        flags("flag: --umap-epochs 0", ["--umap-epochs", "0"], expected: "--umap-epochs must be"),
        flags("flag: --learning-rate 0", ["--learning-rate", "0"], expected: "--learning-rate must be a positive number"),
        flags("flag: --test-size 1", ["--test-size", "1"], expected: "--test-size must be at least 0 and below 1"),
        flags("flag: --format unknown", ["--format", "parquet"], expected: "--format must be one of"),
        BadInputCase(name: "input: missing file", prepare: { dir in
            ["--input", dir + "/no-such-file.csv", "--format", "numeric-csv"]
        }, expected: "no-such-file.csv: no such file"),

        // Output directories that cannot be used. Tests run as root in CI, where permission bits do not
        // stop writes, so "not writable" is a path below a regular file (ENOTDIR for everyone).
        BadInputCase(name: "output: --output-dir is a file", prepare: { dir in
            try write(numericCSV(), dir + "/good.csv")
            try write("not a directory", dir + "/taken")
            return ["--input", dir + "/good.csv", "--format", "numeric-csv", "--output-dir", dir + "/taken"]
        }, expected: "is a file; --output-dir must name a directory"),
        BadInputCase(name: "output: --output-dir below a file", prepare: { dir in
            try write(numericCSV(), dir + "/good.csv")
            try write("not a directory", dir + "/taken")
            return ["--input", dir + "/good.csv", "--format", "numeric-csv", "--output-dir", dir + "/taken/out"]
        }, expected: "cannot create the output directory"),
        BadInputCase(name: "output: --output-dir in /proc", prepare: { dir in
            try write(numericCSV(), dir + "/good.csv")
            return ["--input", dir + "/good.csv", "--format", "numeric-csv", "--output-dir", "/proc/n2d-mpi-test-output"]
        }, expected: "cannot create the output directory"),
    ]
}
