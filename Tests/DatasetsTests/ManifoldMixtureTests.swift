import Datasets
import Foundation
import LinearAlgebra
import Storage
import TestSupport
import XCTest

/// The scale generator (`ManifoldMixture`, `n2d-mpi generate`): reproducible bytes, the shapes, and
/// the structure it promises (separated clusters, each a curved 2-d sheet).
final class ManifoldMixtureTests: XCTestCase {
    private func mixture(rows: Int = 3000, dims: Int = 10, clusters: Int = 6, seed: UInt64 = 1) throws -> ManifoldMixture {
        try ManifoldMixture(rows: rows, dims: dims, clusters: clusters, seed: seed)
    }

    func testTheSameSeedGivesTheSameBytesWhateverTheThreadsAndAnotherSeedDoesNot() throws {
        let one = try mixture().generate(threads: 1)
        let three = try mixture().generate(threads: 3)
        XCTAssertEqual(NPY.encode(one.codes), NPY.encode(three.codes))
        XCTAssertEqual(one.labels, three.labels)
        let other = try mixture(seed: 2).generate(threads: 1)
        XCTAssertNotEqual(one.codes.storage, other.codes.storage)
        // Row r does not depend on how many rows are drawn.
        let fewer = try mixture(rows: 1000).generate(threads: 2)
        XCTAssertEqual(Array(one.codes.storage.prefix(1000 * 10)), fewer.codes.storage)
    }

    func testShapeLabelsAndEveryClusterPresent() throws {
        let (codes, labels) = try mixture(rows: 2000, dims: 7, clusters: 5).generate(threads: 2)
        XCTAssertEqual(codes.rows, 2000)
        XCTAssertEqual(codes.cols, 7)
        XCTAssertEqual(labels.count, 2000)
        XCTAssertEqual(Set(labels), Set(0..<5))
        XCTAssertTrue(codes.storage.allSatisfy(\.isFinite))
    }

    func testClustersAreSeparatedAndEachIsACurvedSheetInThreeDimensions() throws {
        let (codes, labels) = try mixture().generate(threads: 2)
        let n = codes.rows, d = codes.cols
        // The nearest other point shares the label (the pieces lie far apart).
        var agree = 0
        for i in 0..<n {
            var best = Float.infinity, label: Int32 = -1
            for j in 0..<n where j != i {
                var s: Float = 0
                for t in 0..<d { let u = codes[i, t] - codes[j, t]; s += u * u }
                if s < best { best = s; label = labels[j] }
            }
            if label == labels[i] { agree += 1 }
        }
        XCTAssertGreaterThan(Double(agree) / Double(n), 0.99)
        // Each piece: nearly all its variance in 3 directions (the noise is 0.05), none of them
        // negligible (a sheet curved in 3-d, not a flat 2-d patch or a line).
        for c in 0..<6 {
            let members = (0..<n).filter { labels[$0] == Int32(c) }
            var mean = [Double](repeating: 0, count: d)
            for i in members { for t in 0..<d { mean[t] += Double(codes[i, t]) / Double(members.count) } }
            var covariance = [Double](repeating: 0, count: d * d)
            for i in members {
                for a in 0..<d { for b in 0..<d {
                    covariance[a * d + b] += (Double(codes[i, a]) - mean[a]) * (Double(codes[i, b]) - mean[b]) / Double(members.count)
                } }
            }
            let values = symmetricEigenvalues(covariance, d).sorted(by: >)
            let total = values.reduce(0, +)
            XCTAssertGreaterThan(values.prefix(3).reduce(0, +) / total, 0.99, "piece \(c): \(values)")
            XCTAssertGreaterThan(values[2] / total, 0.02, "piece \(c) is flat: \(values)")
        }
    }

    /// Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations.
    private func symmetricEigenvalues(_ matrix: [Double], _ n: Int) -> [Double] {
        var a = matrix
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<n { for q in 0..<n where p != q { off += a[p * n + q] * a[p * n + q] } }
            if off < 1e-20 { break }
            for p in 0..<n - 1 {
                for q in p + 1..<n where abs(a[p * n + q]) > 1e-300 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { a[$0 * n + $0] }
    }

    func testGenerateCommandWritesTheSameFilesTwiceAndRejectsBadFlags() throws {
        let directory = TestPaths.temporaryDirectory("generate")
        defer { try? FileManager.default.removeItem(at: directory) }
        let binary = TestPaths.product("n2d-mpi").path
        var files: [Data] = []
        for name in ["a", "b"] {
            let output = directory.appendingPathComponent("\(name).npy").path
            let result = try ProcessRunner.run(binary, ["generate", "--rows", "1500", "--dims", "5", "--clusters", "4",
                                                        "--seed", "9", "--output", output])
            XCTAssertEqual(result.status, 0, result.stderr)
            files.append(try Data(contentsOf: URL(fileURLWithPath: output)))
            let labels = try String(contentsOfFile: directory.appendingPathComponent("\(name)-labels.csv").path, encoding: .utf8)
            let lines = labels.split(separator: "\n")
            XCTAssertEqual(lines.first, "true_label")
            XCTAssertEqual(lines.count, 1501)
        }
        XCTAssertEqual(files[0], files[1])
        let matrix = try NPY.decodeMatrix(Array(files[0]), path: "a.npy")
        XCTAssertEqual(matrix.rows, 1500)
        XCTAssertEqual(matrix.cols, 5)
        let expected = try ManifoldMixture(rows: 1500, dims: 5, clusters: 4, seed: 9).generate().codes
        XCTAssertEqual(matrix, expected)

        let output = directory.appendingPathComponent("bad.npy").path
        for (flags, message) in [(["--rows", "0"], "--rows"), (["--rows", "10", "--dims", "2"], "--dims"),
                                 (["--rows", "10", "--clusters", "11"], "--clusters"),
                                 (["--rows", "10", "--noise", "-1"], "--noise")] {
            let result = try ProcessRunner.run(binary, ["generate"] + flags + ["--output", output])
            XCTAssertNotEqual(result.status, 0, "\(flags) was accepted")
            XCTAssertTrue(result.stderr.contains(message), "\(flags): \(result.stderr)")
        }
        let wrongName = try ProcessRunner.run(binary, ["generate", "--rows", "10", "--output", directory.appendingPathComponent("x.csv").path])
        XCTAssertNotEqual(wrongName.status, 0)
        XCTAssertTrue(wrongName.stderr.contains(".npy"), wrongName.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output), "a rejected command wrote its output")
    }
}
