import Evaluation
import Foundation
import LinearAlgebra
import XCTest

final class TrustworthinessTests: XCTestCase {
    /// A 60-point example whose scikit-learn 1.7 `trustworthiness` values are 0.6160897435897437
    /// (k = 5) and 0.60010101010101 (k = 3); the embedding keeps two of four coordinates, perturbed.
    func testMatchesScikitLearnOnAFixedExample() {
        var original: [[Float]] = [], embedded: [[Float]] = []
        for i in 0..<60 {
            let t = Double(i)
            original.append([Float(sin(t * 0.7)), Float(cos(t * 1.3)), Float(Double(i % 7) / 3), Float(sin(t * 0.1) * 2)])
            embedded.append([Float(sin(t * 0.7) + 0.3 * cos(t)), Float(Double(i % 7) / 3 + 0.05 * sin(3 * t))])
        }
        let x = Matrix(original), e = Matrix(embedded)
        XCTAssertEqual(Trustworthiness.score(original: x, embedded: e, neighbors: 5), 0.6160897435897437, accuracy: 1e-9)
        XCTAssertEqual(Trustworthiness.score(original: x, embedded: e, neighbors: 3), 0.60010101010101, accuracy: 1e-9)
        XCTAssertEqual(Trustworthiness.score(original: x, embedded: x, neighbors: 5), 1, accuracy: 1e-12)
    }
}
