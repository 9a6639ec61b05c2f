import Randomness
import LinearAlgebra
import Neighbors

/// UMAP's starting layout: the eigenvectors of the normalised Laplacian I − D^{-1/2} W D^{-1/2} with
/// the smallest eigenvalues, skipping the trivial first one — equivalently the largest of
/// D^{-1/2} W D^{-1/2} orthogonal to √deg, found by Lanczos. Each connected component is embedded on
/// its own, scaled to radius 1 and placed at its own centre (± unit axes, 10 apart, widening rings);
/// components too small for `dim` eigenvectors, or where Lanczos fails, start at random.
public enum SpectralInitialization {
    /// The starting coordinates and how they were made.
    public struct Result {
        /// N × dim coordinates (not yet scaled to UMAP's [0, 10] box).
        public var embedding: Matrix
        /// "spectral", or what fell back to random and why — meant to be shown to the user.
        public var method: String
    }

    /// The spectral layout of the symmetric `graph` in `dim` dimensions, seeded.
    public static func layout(graph: CSRMatrix, dim: Int, seed: UInt64) -> Result {
        let components = ConnectedComponents(graph)
        var embedding = Matrix(rows: graph.rows, cols: dim)
        var random = SeededGenerator(seed: seed, at: 0x7370_6563)
        var fellBack = 0
        for (c, members) in components.members.enumerated() {
            var coordinates = componentLayout(graph: graph, members: members, dim: dim, random: &random)
            if coordinates == nil {
                fellBack += 1
                coordinates = randomBall(count: members.count, dim: dim, random: &random)
            }
            let layout = coordinates!
            let scale = components.count == 1 ? 1 : 1 / max(layout.lazy.map(abs).max() ?? 1, 1e-12)
            let center = components.count == 1 ? [Float](repeating: 0, count: dim) : centre(of: c, dim: dim)
            for (r, v) in members.enumerated() {
                for t in 0..<dim { embedding[v, t] = Float(layout[r * dim + t] * scale) + center[t] }
            }
        }
        let method: String
        switch (components.count, fellBack) {
        case (1, 0): method = "spectral"
        case (1, _): method = "random (the spectral eigensolver did not converge)"
        case (_, 0): method = "spectral, \(components.count) connected components placed apart"
        case let (count, random):
            method = "spectral, \(count) connected components placed apart; \(random) of them (too small or not converged) started at random"
        }
        return Result(embedding: embedding, method: method)
    }

    /// Uniform random coordinates in [−10, 10] (umap-learn's `init="random"`).
    public static func randomLayout(rows: Int, dim: Int, seed: UInt64) -> Matrix {
        var random = SeededGenerator(seed: seed, at: 0x7261_6E64)
        return Matrix(rows: rows, cols: dim, storage: (0..<rows * dim).map { _ in 20 * random.nextUnitFloat() - 10 })
    }

    /// The centre of component `c` when there are several: ±10 along axis (c/2 mod dim), on rings that
    /// widen by 10 every 2·dim components.
    private static func centre(of c: Int, dim: Int) -> [Float] {
        var point = [Float](repeating: 0, count: dim)
        let ring = Float(1 + c / (2 * dim))
        point[(c / 2) % dim] = (c % 2 == 0 ? 10 : -10) * ring
        return point
    }

    private static func randomBall(count: Int, dim: Int, random: inout SeededGenerator) -> [Double] {
        (0..<count * dim).map { _ in Double(2 * random.nextUnitFloat() - 1) }
    }

    /// The eigenvector coordinates of one component (row-major count × dim), or nil if it is too small
    /// or Lanczos failed.
    private static func componentLayout(graph: CSRMatrix, members: [Int], dim: Int,
                                        random: inout SeededGenerator) -> [Double]? {
        let n = members.count
        guard n > dim + 1 else { return nil }
        var local = [Int: Int]()
        if n != graph.rows { for (r, v) in members.enumerated() { local[v] = r } }
        // The component's rows with local column numbers, scaled by 1/√(deg_i deg_j).
        var pointers = [0], columns: [Int32] = [], values: [Double] = []
        var degree = [Double](repeating: 0, count: n)
        for (r, v) in members.enumerated() {
            for s in graph.rowPointers[v]..<graph.rowPointers[v + 1] {
                degree[r] += Double(graph.values[s])
                columns.append(Int32(n == graph.rows ? Int(graph.columnIndices[s]) : local[Int(graph.columnIndices[s])]!))
                values.append(Double(graph.values[s]))
            }
            pointers.append(values.count)
        }
        let rootDegree = degree.map { $0.squareRoot() }
        for r in 0..<n { for s in pointers[r]..<pointers[r + 1] { values[s] /= rootDegree[r] * rootDegree[Int(columns[s])] } }
        let total = rootDegree.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let trivial = rootDegree.map { $0 / total }
        // The Lanczos of the package (as Isomap's), on this one process; its eigenvalues lie in [−1, 1],
        // so the relative tolerance is umap-learn's absolute one.
        let solver = DistributedLanczos(steps: max(2 * dim + 16, min(Int(Double(n).squareRoot()), 64)), restarts: 8, tolerance: 1e-4)
        let start = (0..<n).map { _ in Double(random.nextNormalFloat()) }
        guard let found = solver.largest(count: dim, n: n, start: start, deflate: [trivial], threads: 1, apply: { x in
            (0..<n).map { r in
                var sum = 0.0
                for s in pointers[r]..<pointers[r + 1] { sum += values[s] * x[Int(columns[s])] }
                return sum
            }
        }) else { return nil }
        var out = [Double](repeating: 0, count: n * dim)
        for (t, vector) in found.vectors.prefix(dim).enumerated() { for r in 0..<n { out[r * dim + t] = vector[r] } }
        return out.allSatisfy(\.isFinite) ? out : nil
    }
}
