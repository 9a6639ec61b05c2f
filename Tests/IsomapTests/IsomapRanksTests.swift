import Foundation
import TestSupport
import XCTest

/// `isomap-check` on the swiss roll under mpirun at 1, 2 and 4 ranks: the same embedding, eigenvalues
/// and reconstruction error to 1e-5 relative.
final class IsomapRanksTests: XCTestCase {
    private func run(ranks: Int, directory: URL, landmarks: Int? = nil) throws -> [String: Any] {
        let out = directory.appendingPathComponent("np\(ranks)-\(landmarks ?? 0).json")
        let result = try ProcessRunner.mpirun(ranks: ranks, product: "isomap-check", [
            GoldenManifold.url("swiss_roll_2000x3.npy").path, "10", "2", out.path, "1",
        ] + (landmarks.map { [String($0)] } ?? []), timeout: 300)
        XCTAssertEqual(result.status, 0, result.stderr)
        print("np \(ranks): \(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))")
        let data = try Data(contentsOf: out)
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func testOneTwoAndFourRanksAgree() throws {
        let directory = TestPaths.temporaryDirectory("isomap-ranks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let reference = try run(ranks: 1, directory: directory)
        let e1 = reference["embedding"] as! [Double]
        let l1 = reference["eigenvalues"] as! [Double]
        let r1 = reference["reconstruction_error"] as! Double
        for ranks in [2, 4] {
            let other = try run(ranks: ranks, directory: directory)
            let e = other["embedding"] as! [Double]
            let l = other["eigenvalues"] as! [Double]
            let r = other["reconstruction_error"] as! Double
            XCTAssertEqual(e.count, e1.count)
            for c in 0..<2 {
                let column = stride(from: c, to: e1.count, by: 2)
                let scale = column.map { abs(e1[$0]) }.max()!
                let worst = column.map { abs(e[$0] - e1[$0]) }.max()!
                print("np \(ranks) vs np 1, component \(c): max difference / max |value| = \(worst / scale)")
                XCTAssertLessThanOrEqual(worst, 1e-5 * scale, "component \(c) at np \(ranks)")
                XCTAssertEqual(l[c], l1[c], accuracy: 1e-5 * abs(l1[c]), "eigenvalue \(c) at np \(ranks)")
            }
            XCTAssertEqual(r, r1, accuracy: 1e-5 * r1, "reconstruction error at np \(ranks)")
        }
    }

    /// Landmark Isomap: 1 and 2 ranks give the same embedding to 1e-5 relative.
    func testLandmarkIsomapAgreesAtOneAndTwoRanks() throws {
        let directory = TestPaths.temporaryDirectory("isomap-landmark-ranks")
        defer { try? FileManager.default.removeItem(at: directory) }
        let one = try run(ranks: 1, directory: directory, landmarks: 200)["embedding"] as! [Double]
        let two = try run(ranks: 2, directory: directory, landmarks: 200)["embedding"] as! [Double]
        XCTAssertEqual(one.count, two.count)
        let scale = one.map(abs).max()!
        let worst = zip(one, two).map { abs($0 - $1) }.max()!
        print("landmark np 2 vs np 1: max difference / max |value| = \(worst / scale)")
        XCTAssertLessThanOrEqual(worst, 1e-5 * scale)
    }
}
