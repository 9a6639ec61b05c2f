/// Seeded Gaussian blobs for tests: `clusters` centres spread `separation` apart on average, points
/// with unit standard deviation around them. Row-major `rows × dims` values and the blob of each row.
public struct SyntheticBlobs {
    public let rows: Int
    public let dims: Int
    public var values: [Float]
    public var labels: [Int]

    public init(rows: Int, dims: Int, clusters: Int, separation: Float, seed: UInt64) {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        func uniform() -> Float {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Float((z ^ (z >> 31)) >> 40) / Float(1 << 24)
        }
        func normal() -> Float {
            let u = max(uniform(), 1e-7), v = uniform()
            return (-2 * Float.log(u)).squareRoot() * Float.cos(2 * .pi * v)
        }
        let centres = (0..<clusters * dims).map { _ in normal() * separation }
        self.rows = rows
        self.dims = dims
        labels = (0..<rows).map { $0 % clusters }
        values = []
        values.reserveCapacity(rows * dims)
        for i in 0..<rows { for t in 0..<dims { values.append(centres[labels[i] * dims + t] + normal()) } }
    }
}

extension Float {
    fileprivate static func log(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }
    fileprivate static func cos(_ x: Float) -> Float { Float(Foundation.cos(Double(x))) }
}

import Foundation
