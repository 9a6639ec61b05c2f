import CKernels
import Randomness
import XCTest

/// ReLU's backward mask (`ck_relu_mask`, the vector kernel the backward pass uses) against its
/// definition, element by element: the error is zeroed exactly where the activation is ≤ 0 (−0
/// included), kept bit for bit elsewhere (NaN activations included), at every length's tail.
final class ReLUMaskTests: XCTestCase {
    func testMaskZeroesExactlyWhereTheActivationIsNotPositive() {
        var generator = SeededGenerator(seed: 5)
        let specials: [Float] = [0, -0.0, .nan, -.nan, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        for count in [0, 1, 7, 8, 9, 31, 64, 1003] {
            let activation = (0..<count).map { i -> Float in
                i % 5 == 0 ? specials[(i / 5) % specials.count] : generator.nextUnitFloat() * 2 - 1
            }
            let delta = (0..<count).map { i -> Float in i % 11 == 0 ? -0.0 : generator.nextUnitFloat() - 0.5 }
            var masked = delta
            masked.withUnsafeMutableBufferPointer { d in
                activation.withUnsafeBufferPointer { a in ck_relu_mask(d.baseAddress, a.baseAddress, count) }
            }
            for k in 0..<count {
                let expected: Float = activation[k] <= 0 ? 0 : delta[k]
                XCTAssertEqual(masked[k].bitPattern, expected.bitPattern,
                               "count \(count), element \(k): activation \(activation[k]), delta \(delta[k])")
            }
        }
    }
}
