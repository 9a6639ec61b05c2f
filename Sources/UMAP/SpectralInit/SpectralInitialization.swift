import Collectives
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

    /// Components from this many vertices multiply their rows by blocks over the ranks; smaller ones
    /// are multiplied whole on every rank. The product is a small part of Lanczos (the replicated
    /// orthogonalisation dominates), and every split product is a synchronisation: at 10⁵ rows in
    /// 10 components of 10⁴, splitting them made the start 3× slower on the loaded 2-core machine
    /// (docs/UMAP.md, "A million rows").
    public static let distributedFrom = 50_000

    /// The spectral layout of the symmetric `graph` (the same on every rank) in `dim` dimensions,
    /// seeded. Collective: every rank calls it and gets the same coordinates. A component of at
    /// least `distributedFrom` vertices runs Lanczos with its product split over the ranks by row
    /// blocks (`RowPartition`, the blocks allgathered); each row's sum is the same arithmetic
    /// whoever computes it, so the result does not depend on the rank count or `threads`.
    public static func layout(graph: CSRMatrix, dim: Int, seed: UInt64, world: Communicator, threads: Int = 1) -> Result {
        let components = ConnectedComponents(graph)
        var embedding = Matrix(rows: graph.rows, cols: dim)
        var random = SeededGenerator(seed: seed, at: 0x7370_6563)
        // Each vertex's row within its component (members ascending).
        var localIndex = [Int32](repeating: 0, count: graph.rows)
        let members = components.members
        for list in members { for (r, v) in list.enumerated() { localIndex[v] = Int32(r) } }
        var fellBack = 0
        for (c, members) in members.enumerated() {
            var coordinates = componentLayout(graph: graph, members: members, localIndex: localIndex, dim: dim,
                                              random: &random, world: world, threads: threads)
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
    /// or Lanczos failed. Collective when the component has `distributedFrom` vertices or more.
    private static func componentLayout(graph: CSRMatrix, members: [Int], localIndex: [Int32], dim: Int,
                                        random: inout SeededGenerator, world: Communicator, threads: Int) -> [Double]? {
        let n = members.count
        guard n > dim + 1 else { return nil }
        var rootDegree = [Double](repeating: 0, count: n)
        for (r, v) in members.enumerated() {
            var degree = 0.0
            for s in graph.rowPointers[v]..<graph.rowPointers[v + 1] { degree += Double(graph.values[s]) }
            rootDegree[r] = degree.squareRoot()
        }
        // This rank's rows of the component (all of them when it is small), local column numbers,
        // scaled by 1/√(deg_i deg_j).
        let split = world.size > 1 && n >= distributedFrom
        let partition = RowPartition(total: n, size: split ? world.size : 1)
        let own = partition.range(of: split ? world.rank : 0)
        var pointers = [0], columns: [Int32] = [], values: [Double] = []
        for r in own {
            let v = members[r]
            for s in graph.rowPointers[v]..<graph.rowPointers[v + 1] {
                let column = localIndex[Int(graph.columnIndices[s])]
                columns.append(column)
                values.append(Double(graph.values[s]) / (rootDegree[r] * rootDegree[Int(column)]))
            }
            pointers.append(values.count)
        }
        let total = rootDegree.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let trivial = rootDegree.map { $0 / total }
        // The Lanczos of the package (as Isomap's); its eigenvalues lie in [−1, 1], so the relative
        // tolerance is umap-learn's absolute one.
        let solver = DistributedLanczos(steps: max(2 * dim + 16, min(Int(Double(n).squareRoot()), 64)), restarts: 8, tolerance: 1e-4)
        let start = (0..<n).map { _ in Double(random.nextNormalFloat()) }
        let counts = partition.counts
        guard let found = solver.largest(count: dim, n: n, start: start, deflate: [trivial], threads: threads, apply: { x in
            var y = [Double](repeating: 0, count: own.count)
            y.withUnsafeMutableBufferPointer { yp in
                ParallelFor.chunks(count: own.count, chunkSize: 1024, threads: threads) { _, items in
                    for r in items {
                        var sum = 0.0
                        for s in pointers[r]..<pointers[r + 1] { sum += values[s] * x[Int(columns[s])] }
                        yp[r] = sum
                    }
                }
            }
            return split ? world.allgatherBlocks(y, counts: counts) : y
        }) else { return nil }
        var out = [Double](repeating: 0, count: n * dim)
        for (t, vector) in found.vectors.prefix(dim).enumerated() { for r in 0..<n { out[r * dim + t] = vector[r] } }
        return out.allSatisfy(\.isFinite) ? out : nil
    }
}
