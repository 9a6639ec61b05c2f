import Collectives
import Datasets
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// The loader gave sparse features where dense ones were expected.
private struct NotDense: Error, CustomStringConvertible {
    let features: String
    var description: String { "expected dense rows, got \(features)" }
}

final class LoaderTests: XCTestCase {
    private let world = LocalCommunicator()

    private func dense(_ part: ShardPart) throws -> Matrix {
        // Sparse rows where dense ones were loaded are a wrong result, not a missing thing: a failure.
        guard case .dense(let m) = part.features else { throw NotDense(features: "\(part.features)".prefix(200).description) }
        return m
    }

    func testIDXImagesScaledWithMatchingLabelsPlainAndGzip() throws {
        let values: [UInt8] = (0..<5 * 2 * 3).map { UInt8($0 * 8) }
        let images = Fixtures.idx("toy-images-idx3-ubyte", dimensions: [5, 2, 3], values: values)
        let folder = (images as NSString).deletingLastPathComponent
        let labelsPath = folder + "/toy-labels-idx1-ubyte"
        XCTAssertTrue(FileManager.default.createFile(atPath: labelsPath, contents: Data([0, 0, 8, 1, 0, 0, 0, 5, 3, 1, 4, 1, 5])))
        let spec = DatasetSpec(path: images, testSize: 0)
        let shard = try Dataset.load(spec, world: world)
        XCTAssertEqual(shard.format, .idx)
        let m = try dense(shard.training)
        XCTAssertEqual(m.rows, 5)
        XCTAssertEqual(m.cols, 6)
        XCTAssertEqual(m.storage, values.map { Float($0) / 255 })
        XCTAssertEqual(shard.labelNames, ["1", "3", "4", "5"])
        XCTAssertEqual(shard.training.labels, [1, 0, 2, 0, 3])

        _ = try Fixtures.gzip(labelsPath)
        let gz = try Dataset.load(DatasetSpec(path: try Fixtures.gzip(images), testSize: 0), world: world)
        XCTAssertEqual(try dense(gz.training), m)
        XCTAssertEqual(gz.training.labels, shard.training.labels)
    }

    func testFashionMNISTWhenInstalled() throws {
        let path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: path) else {
            throw skipOrFailInCI("Fashion-MNIST is not installed (\(path))", expectedInCI: Requirements.fashionMNISTExpected)
        }
        let shard = try Dataset.load(DatasetSpec(path: path, testSize: 0.5, validationRows: 100, maxRows: 1000), world: world)
        XCTAssertEqual(shard.training.total, 500)
        XCTAssertEqual(shard.columns, 784)
        XCTAssertEqual(shard.labelNames, (0..<10).map(String.init))
        XCTAssertEqual(try dense(shard.validation).rows, 100)
        let m = try dense(shard.training)
        XCTAssertEqual(m.storage.max()!, 1, accuracy: 1e-6)
        XCTAssertEqual(m.storage.min()!, 0)
    }

    func testNPYRowsFollowTheSplit() throws {
        let matrix = Matrix(rows: 6, cols: 2, storage: (0..<12).map(Float.init))
        let path = Fixtures.file("x.npy", NPY.encode(matrix))
        let shard = try Dataset.load(DatasetSpec(path: path, testSize: 0.5, seed: 3, validationRows: 1), world: world)
        let split = TrainTestSplit(rows: 6, testSize: 0.5, seed: 3)
        XCTAssertEqual(shard.training.sourceRows, split.train)
        XCTAssertEqual(try dense(shard.training), matrix.gatherRows(split.train))
        XCTAssertEqual(try dense(shard.validation), matrix.gatherRows([split.test[0]]))
        XCTAssertNil(shard.training.labels)
    }

    func testNumericCSVWithLabelColumnAndMaxRows() throws {
        let path = Fixtures.file("n.csv", "a,label,b\n1,x,2\n3.5,y,-4\n5,x,6e1\n7,z,8\n")
        let spec = DatasetSpec(path: path, format: .numericCSV, labelColumn: .required("label"), testSize: 0, maxRows: 3)
        let shard = try Dataset.load(spec, world: world)
        XCTAssertEqual(try dense(shard.training), Matrix([[1, 2], [3.5, -4], [5, 60]]))
        XCTAssertEqual(shard.labelNames, ["x", "y"])
        XCTAssertEqual(shard.training.labels, [0, 1, 0])
        XCTAssertEqual(shard.inputRows, 3)
    }

    func testTextCSVCountsInvalidUTF8AndReviewsEmptyAfterCleaning() throws {
        var bytes = Array("review,sentiment\ngood film here,positive\n\"the <br /> and\",negative\nbad ".utf8)
        bytes += [0xFF, 0xFE] + Array(" acting,negative\n".utf8)
        let shard = try Dataset.load(DatasetSpec(path: Fixtures.file("t.csv", bytes), testSize: 0), world: world)
        XCTAssertEqual(shard.counts.invalidUTF8Replacements, 2)
        XCTAssertEqual(shard.counts.emptyAfterCleaning, 1)
        XCTAssertEqual(shard.counts.emptyTrainingRows, 1)
        XCTAssertEqual(shard.vocabulary?.terms, ["acting", "bad", "film", "good"])
    }
}

final class FormatAndLabelTests: XCTestCase {
    func testFormatInferredFromTheFileName() {
        XCTAssertEqual(DataFormat.inferred(fromPath: "/d/IMDB Dataset.csv"), .textCSV)
        XCTAssertEqual(DataFormat.inferred(fromPath: "train-images-idx3-ubyte.gz"), .idx)
        XCTAssertEqual(DataFormat.inferred(fromPath: "t10k-labels-idx1-ubyte"), .idx)
        XCTAssertEqual(DataFormat.inferred(fromPath: "x.NPY"), .npy)
        XCTAssertNil(DataFormat.inferred(fromPath: "x.csv.gz"))
    }

    func testIntegerLabelsInNumericOrderKeepingTheirSpelling() throws {
        let path = Fixtures.file("l.csv", "a,label\n1,10\n2,9\n3,09\n4,-1\n")
        let spec = DatasetSpec(path: path, format: .numericCSV, labelColumn: .required("label"), testSize: 0)
        let shard = try Dataset.load(spec, world: LocalCommunicator())
        XCTAssertEqual(shard.labelNames, ["-1", "09", "9", "10"])
        XCTAssertEqual(shard.training.labels, [3, 2, 1, 0])
    }
}
