import Foundation
import LinearAlgebra
import Randomness

/// A seeded scale input with cluster and manifold structure: `clusters` curved 2-d sheets (a Swiss
/// roll, an S-curve or a sphere cap, in turn), each bent in 3 dimensions, scaled, turned into a random
/// 3-d subspace of the `dims` and placed at a random centre, with isotropic Gaussian noise.
///
/// Every row is drawn from its own stream `(seed, row)`, and every piece from `(seed, piece)`, so the
/// bytes depend on the seed and the sizes only (any machine, any thread count), and row r is the
/// same whatever `rows` is.
public struct ManifoldMixture: Sendable {
    public let rows: Int
    public let dims: Int
    public let clusters: Int
    public let seed: UInt64
    /// Standard deviation of the noise added to every coordinate (the sheets span about 4 units).
    public let noise: Float

    /// The flags' checks, with the flag named in each message.
    public struct InvalidSize: Error, CustomStringConvertible {
        public let description: String
    }

    public init(rows: Int, dims: Int, clusters: Int, seed: UInt64, noise: Float = 0.05) throws {
        guard rows >= 1 else { throw InvalidSize(description: "--rows must be at least 1 (got \(rows)).") }
        guard dims >= 3 else {
            throw InvalidSize(description: "--dims must be at least 3: each piece is a sheet curved in 3 dimensions (got \(dims)).")
        }
        guard clusters >= 1 && clusters <= rows else {
            throw InvalidSize(description: "--clusters must lie in 1...rows (\(rows)) (got \(clusters)).")
        }
        guard rows * dims <= 1 << 34 else {
            throw InvalidSize(description: "--rows × --dims = \(rows * dims) values exceeds the .npy limit of \(1 << 34).")
        }
        guard noise >= 0 && noise.isFinite else { throw InvalidSize(description: "--noise must be a finite number ≥ 0 (got \(noise)).") }
        self.rows = rows
        self.dims = dims
        self.clusters = clusters
        self.seed = seed
        self.noise = noise
    }

    /// One piece: its shape, centre, 3 orthonormal directions (row-major 3 × dims) and size.
    struct Piece {
        var shape: Int
        var centre: [Float]
        var basis: [Float]
        var scale: Float
    }

    static let piecePurpose: UInt64 = 0x7069_6563  // "piec"
    static let rowPurpose: UInt64 = 0x726F_7773    // "rows"

    func piece(_ c: Int) -> Piece {
        var random = SeededGenerator(seed: seed, at: Self.piecePurpose, UInt64(c))
        // Centres N(0, 6²) per axis: pieces about 6·√(2·dims) apart, far more than their 4-unit span.
        let centre = (0..<dims).map { _ in 6 * random.nextNormalFloat() }
        // Three orthonormal directions by Gram–Schmidt on normal vectors.
        var basis = [Float](repeating: 0, count: 3 * dims)
        var axis = 0
        while axis < 3 {
            var v = (0..<dims).map { _ in random.nextNormalFloat() }
            for previous in 0..<axis {
                var dot: Float = 0
                for t in 0..<dims { dot += v[t] * basis[previous * dims + t] }
                for t in 0..<dims { v[t] -= dot * basis[previous * dims + t] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-3 else { continue }
            for t in 0..<dims { basis[axis * dims + t] = v[t] / norm }
            axis += 1
        }
        return Piece(shape: c % 3, centre: centre, basis: basis, scale: 0.75 + 0.5 * random.nextUnitFloat())
    }

    /// A point of the unit-sized sheet `shape` at sheet coordinates (u, v) in [0, 1)².
    static func sheet(_ shape: Int, _ u: Float, _ v: Float) -> (Float, Float, Float) {
        switch shape {
        case 0:  // Swiss roll: 1.5 turns, radius growing with the angle.
            let angle = 1.5 * Float.pi * (1 + 2 * u)
            return (angle * cosf(angle) / 7, 4 * v - 2, angle * sinf(angle) / 7)
        case 1:  // S-curve.
            let angle = 3 * Float.pi * (u - 0.5)
            let z = angle < 0 ? -1 - cosf(angle) : 1 - cosf(angle)
            return (1.5 * sinf(angle), 4 * v - 2, 1.5 * z)
        default:  // A cap of the sphere of radius 2 (polar angle up to 108°).
            let polar = 0.6 * Float.pi * u.squareRoot(), azimuth = 2 * Float.pi * v
            return (2 * sinf(polar) * cosf(azimuth), 2 * sinf(polar) * sinf(azimuth), 2 * cosf(polar))
        }
    }

    /// The codes (rows × dims) and each row's piece (its true cluster, 0..<clusters).
    /// `threads` workers draw blocks of rows; the bytes do not depend on them.
    public func generate(threads: Int = 1) -> (codes: Matrix, labels: [Int32]) {
        let pieces = (0..<clusters).map(piece)
        var values = [Float](repeating: 0, count: rows * dims)
        var labels = [Int32](repeating: 0, count: rows)
        let workers = max(1, min(threads, rows / 4096 + 1))
        values.withUnsafeMutableBufferPointer { vb in
            labels.withUnsafeMutableBufferPointer { lb in
                let out = vb.baseAddress!, label = lb.baseAddress!
                ComputeThreads.perform(iterations: workers) { w in
                    for r in (rows * w / workers)..<(rows * (w + 1) / workers) {
                        var random = SeededGenerator(seed: seed, at: Self.rowPurpose, UInt64(r))
                        let c = random.nextIndex(below: clusters)
                        let p = pieces[c]
                        let (x, y, z) = Self.sheet(p.shape, random.nextUnitFloat(), random.nextUnitFloat())
                        let row = out + r * dims
                        for t in 0..<dims {
                            let curved = x * p.basis[t] + y * p.basis[dims + t] + z * p.basis[2 * dims + t]
                            row[t] = p.centre[t] + p.scale * curved + noise * random.nextNormalFloat()
                        }
                        label[r] = Int32(c)
                    }
                }
            }
        }
        return (Matrix(rows: rows, cols: dims, storage: values), labels)
    }

    /// The labels as a CSV that `TrueLabels` (and `cluster --labels`) reads: a `true_label` header,
    /// one label per line.
    public static func labelsCSV(_ labels: [Int32]) -> String {
        var text = "true_label\n"
        text.reserveCapacity(labels.count * 3 + 11)
        for label in labels {
            text += String(label)
            text += "\n"
        }
        return text
    }
}
