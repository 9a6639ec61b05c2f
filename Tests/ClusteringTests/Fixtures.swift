import Randomness
import Clustering
import Foundation
import LinearAlgebra

/// Seeded synthetic data for the clustering tests.
enum Fixtures {
    /// A standard normal value (Box–Muller).
    static func normal(_ generator: inout SeededGenerator) -> Double {
        let u = max(generator.nextUnit(), 1e-300), v = generator.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// `perBlob` rows around each centre with standard deviation `spread`, blob after blob; the
    /// blob of each row.
    static func blobs(centers: [[Double]], perBlob: Int, spread: Double, seed: UInt64) -> (Matrix, [Int]) {
        var generator = SeededGenerator(seed: seed)
        var rows: [[Float]] = [], labels: [Int] = []
        for (b, centre) in centers.enumerated() {
            for _ in 0..<perBlob {
                rows.append(centre.map { Float($0 + spread * normal(&generator)) })
                labels.append(b)
            }
        }
        return (Matrix(rows), labels)
    }

    /// Blobs plus `noise` rows uniform in [-10, 10]^dims, rows shuffled.
    static func blobsWithNoise(dims: Int, blobs count: Int, perBlob: Int, noise: Int, seed: UInt64) -> Matrix {
        var generator = SeededGenerator(seed: seed)
        let centers = (0..<count).map { _ in (0..<dims).map { _ in generator.nextUnit() * 16 - 8 } }
        let (matrix, _) = blobs(centers: centers, perBlob: perBlob, spread: 0.6, seed: seed &+ 1)
        var rows = (0..<matrix.rows).map { matrix.row($0) }
        for _ in 0..<noise { rows.append((0..<dims).map { _ in Float(generator.nextUnit() * 20 - 10) }) }
        rows.shuffle(using: &generator)
        return Matrix(rows)
    }

    /// Squared Euclidean distance between two rows.
    static func squaredDistance(_ m: Matrix, _ i: Int, _ j: Int) -> Float {
        var s: Float = 0
        for t in 0..<m.cols { let d = m[i, t] - m[j, t]; s += d * d }
        return s
    }
}
