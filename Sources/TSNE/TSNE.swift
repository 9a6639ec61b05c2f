import Collectives
import Dispatch
import Foundation
import LinearAlgebra
import Neighbors

/// What `TSNE.fit` reports while it works (rank 0 shows it).
public enum TSNEProgress: Sendable {
    case neighbors(KNNMethod, sparse: Bool, rows: Int, k: Int)
    case initialisation(String)
    /// (iteration done, of, KL divergence at the last check, with the exaggerated P before `exaggerationIterations`).
    case iteration(Int, Int, Double)
}

/// The outcome of `TSNE.fit`.
public struct TSNEResult: Sendable {
    /// N × 2, complete and identical on every rank.
    public var embedding: Matrix
    /// KL(P‖Q) at the last iteration, as scikit-learn's `kl_divergence_` (Q from the Barnes-Hut Z).
    public var klDivergence: Double
    /// Iterations run (scikit-learn's `n_iter_` + 1).
    public var iterations: Int
    public var knnMethod: KNNMethod
    /// The repulsion used (`barnesHut` or `fft`, `auto` resolved).
    public var method: TSNEMethod
    public var neighbors: Int
    public var initialisation: String
    public var learningRate: Double
    /// Stored entries of P over all ranks.
    public var edges: Int
    /// Wall seconds per stage (knn, probabilities, init, optimise).
    public var seconds: [String: Double]
}

/// t-SNE as scikit-learn 1.9's `TSNE(n_components=2, method='barnes_hut')`, across ranks.
///
/// Every rank holds all N input rows and all N positions. Rank r owns the rows of its
/// `RowPartition` block: it finds their kNN, their conditional probabilities, their rows of the
/// symmetric P (one all-to-all), and each iteration their gradient — attraction over their P rows,
/// Barnes-Hut repulsion against a quadtree of all positions that every rank builds alike — and their
/// update. Z (the sum of the unnormalised q over all pairs) is an exact fixed-point sum over ranks, and
/// the positions are allgathered (N × 2 floats) after each update, so the run does not depend on the
/// rank count or the thread count.
public enum TSNE {
    /// Neighbours searched beyond the k that P uses, so that the k nearest are chosen by the exact
    /// Double distances (see `fit`).
    public static let extraNeighbors = 8

    /// Embeds dense rows. Collective.
    public static func fit(_ data: Matrix, parameters: TSNEParameters = TSNEParameters(), world: Communicator,
                           threads: Int = 1, progress: ((TSNEProgress) -> Void)? = nil) throws -> TSNEResult {
        try fit(.dense(data), parameters: parameters, world: world, threads: threads, progress: progress)
    }

    /// Embeds dense or sparse (CSR) rows; sparse rows are never densified (exact sparse kNN, random
    /// initialisation). Collective; throws `TSNEError` before any collective, on every rank alike.
    public static func fit(_ input: FeatureMatrix, parameters: TSNEParameters = TSNEParameters(), world: Communicator,
                           threads: Int = 1, progress: ((TSNEProgress) -> Void)? = nil) throws -> TSNEResult {
        let n = input.rows
        try parameters.validate(rows: n)
        var sparse = false
        if case .sparse = input { sparse = true }
        if sparse && parameters.initialisation == .pca {
            throw TSNEError("PCA initialisation needs dense input (scikit-learn refuses it for sparse matrices); use random")
        }
        if input.cols < 2 && parameters.initialisation == .pca {
            throw TSNEError("PCA initialisation needs at least 2 input columns (got \(input.cols)); use random")
        }
        var phases = PhaseSeconds()
        let own = RowPartition(total: n, size: world.size).range(of: world.rank)
        let k = parameters.neighbors(rows: n)

        // kNN of the own rows, squared Euclidean distances, the point itself left out.
        let method: KNNMethod
        var neighbors = [Int32](repeating: 0, count: own.count * k)
        var squared = [Float](repeating: 0, count: own.count * k)
        switch input {
        case .sparse(let m):
            method = .exact
            progress?(.neighbors(method, sparse: true, rows: n, k: k))
            (neighbors, squared) = SparseNeighbors.search(m, queries: own, k: k, threads: threads)
        case .dense(let m):
            method = parameters.knn.resolved(rows: n)
            progress?(.neighbors(method, sparse: false, rows: n, k: k))
            // A few neighbours more than needed, then the squared distances again in Double from the
            // rows and the nearest k by those: the search's Float distances (sgemm on query blocks that
            // start where the rank's rows start) may differ in the last bits with the rank count, and
            // so could the order of near ties at the k-th neighbour; P must not.
            let searched = min(n, k + 1 + TSNE.extraNeighbors)
            let graph = NeighborSearch.search(m, k: searched, metric: .euclidean, method: method, seed: parameters.seed,
                                              world: world, threads: threads)
            let d = m.cols
            m.storage.withUnsafeBufferPointer { x in
                var candidates: [(Double, Int32)] = []
                candidates.reserveCapacity(searched)
                for r in 0..<own.count {
                    let i = own.lowerBound + r
                    candidates.removeAll(keepingCapacity: true)
                    for s in 0..<searched {
                        let j = Int(graph.indices[r * searched + s])
                        if j == i || j < 0 { continue }
                        var sum = 0.0
                        for t in 0..<d { let u = Double(x[i * d + t]) - Double(x[j * d + t]); sum += u * u }
                        candidates.append((sum, Int32(j)))
                    }
                    candidates.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                    for s in 0..<k {
                        neighbors[r * k + s] = candidates[s].1
                        squared[r * k + s] = Float(candidates[s].0)
                    }
                }
            }
        }
        phases.lap("knn")

        let conditional = PerplexitySearch.solve(squaredDistances: squared, k: k, perplexity: parameters.perplexity, threads: threads)
        let p = JointProbabilities.symmetrised(own: own, total: n, k: k, neighbors: neighbors,
                                               conditional: conditional.probabilities, world: world)
        let edges = world.allreduce(p.values.count, op: .sum)
        phases.lap("probabilities")

        var positions: [Float]
        let initialisation: String
        switch (input, parameters.initialisation) {
        case (.dense(let m), .pca) where m.cols >= 2, (.dense(let m), .auto) where m.cols >= 2:
            // Rank 0 computes it, every rank receives the same floats.
            positions = world.rank == 0 ? Initialisation.pca(m, threads: threads) : [Float](repeating: 0, count: 2 * n)
            positions.withUnsafeMutableBufferPointer { world.broadcast($0, root: 0) }
            initialisation = "pca"
        default:
            positions = Initialisation.random(rows: n, seed: parameters.seed)
            initialisation = "random"
        }
        progress?(.initialisation(initialisation))
        phases.lap("init")

        var optimizer = Optimizer(p: p, total: n, parameters: parameters, world: world, threads: threads)
        let (kl, iterations) = optimizer.run(&positions, progress: progress)
        phases.lap("optimise")

        return TSNEResult(embedding: Matrix(rows: n, cols: 2, storage: positions), klDivergence: kl, iterations: iterations,
                          knnMethod: method, method: parameters.method.resolved(rows: n), neighbors: k, initialisation: initialisation,
                          learningRate: parameters.step(rows: n), edges: edges, seconds: phases.seconds)
    }
}

/// Where an iteration's repulsion comes from.
enum RepulsionField {
    case tree(BarnesHutTree)
    case grid(InterpolatedRepulsion)
}

/// The gradient descent of scikit-learn's `_gradient_descent`, run twice: the exaggerated phase
/// (P × early_exaggeration, momentum 0.5, iterations 0..<250, no-progress limit 250), then the rest
/// (momentum 0.8, up to max_iter, no-progress limit 300). Each phase starts with update 0 and gains 1. Each step: gains +0.2 where the update and
/// the gradient disagree in sign, ×0.8 elsewhere, at least min_gain; update = momentum·update −
/// rate·gains·gradient. The KL divergence (every `checkInterval` iterations and at the last) and the
/// gradient norm are checked as scikit-learn does.
struct Optimizer {
    let p: JointProbabilities
    let total: Int
    let parameters: TSNEParameters
    let world: Communicator
    let threads: Int
    let own: Range<Int>
    var update: [Float]
    var gains: [Float]
    var gradient: [Float]
    var rowZ: [Double]
    var rowKL: [Double]
    /// The FFT method's grid (reused across iterations), nil for Barnes-Hut.
    let grid: InterpolatedRepulsion?

    init(p: JointProbabilities, total: Int, parameters: TSNEParameters, world: Communicator, threads: Int) {
        self.p = p
        self.total = total
        self.parameters = parameters
        self.world = world
        self.threads = threads
        own = p.rows
        update = [Float](repeating: 0, count: 2 * own.count)
        gains = [Float](repeating: 1, count: 2 * own.count)
        gradient = [Float](repeating: 0, count: 2 * own.count)
        rowZ = [Double](repeating: 0, count: own.count)
        rowKL = [Double](repeating: 0, count: own.count)
        grid = parameters.method.resolved(rows: total) == .fft ? InterpolatedRepulsion(settings: parameters.interpolation) : nil
    }

    /// Optimises `positions` (all N, identical on every rank) in place; returns (KL, iterations run).
    mutating func run(_ positions: inout [Float], progress: ((TSNEProgress) -> Void)?) -> (Double, Int) {
        let exploration = min(parameters.exaggerationIterations, parameters.maxIterations)
        var (error, last) = phase(&positions, from: 0, to: exploration, momentum: parameters.earlyMomentum,
                                  exaggeration: parameters.earlyExaggeration, patience: exploration, progress: progress)
        if parameters.maxIterations > exploration {
            (error, last) = phase(&positions, from: last + 1, to: parameters.maxIterations, momentum: parameters.finalMomentum,
                                  exaggeration: 1, patience: parameters.iterationsWithoutProgress, progress: progress)
        }
        return (error, last + 1)
    }

    /// Iterations `from..<to`; returns (the last KL computed, the last iteration run).
    mutating func phase(_ positions: inout [Float], from: Int, to: Int, momentum: Double, exaggeration: Double,
                        patience: Int, progress: ((TSNEProgress) -> Void)?) -> (Double, Int) {
        var error = Double.greatestFiniteMagnitude
        var best = Double.greatestFiniteMagnitude
        var bestIteration = from
        var i = from
        guard from < to else { return (error, from - 1) }
        // As scikit-learn's `_gradient_descent`, each phase starts with no momentum and unit gains.
        for e in 0..<update.count { update[e] = 0; gains[e] = 1 }
        let rate = Float(parameters.step(rows: total))
        let counts = RowPartition(total: total, size: world.size).counts.map { 2 * $0 }
        while i < to {
            let check = (i + 1) % parameters.checkInterval == 0
            let computeError = check || i == to - 1
            let field: RepulsionField
            if let grid {
                grid.compute(positions: positions, threads: threads)
                field = .grid(grid)
            } else {
                field = .tree(BarnesHutTree(positions: positions))
            }
            let kl = gradientStep(positions, field: field, exaggeration: exaggeration, computeError: computeError)
            if computeError { error = kl }
            var gradNormSquared = 0.0
            if check { for g in gradient { gradNormSquared += Double(g) * Double(g) } }
            // The descent of the own rows.
            let m = Float(momentum), minGain = Float(parameters.minGain)
            for e in 0..<gradient.count {
                var g = gradient[e]
                if update[e] * g < 0 { gains[e] += 0.2 } else { gains[e] *= 0.8 }
                if gains[e] < minGain { gains[e] = minGain }
                g *= gains[e]
                update[e] = m * update[e] - rate * g
                positions[2 * own.lowerBound + e] += update[e]
            }
            positions.withUnsafeMutableBufferPointer { all in
                let mine = UnsafeBufferPointer(rebasing: all[2 * own.lowerBound..<2 * own.upperBound])
                // In place: MPI_IN_PLACE is not exposed, so copy the own block out first.
                let copy = Array(mine)
                copy.withUnsafeBufferPointer { world.allgatherv($0, into: all, counts: counts) }
            }
            if check {
                // Rank 0's verdict, so that every rank stops at the same iteration.
                var norms = [gradNormSquared]
                world.allreduce(&norms, op: .sum)
                let gradNorm = norms[0].squareRoot()
                progress?(.iteration(i + 1, parameters.maxIterations, error))
                var stop: [Int32] = [0]
                if error < best {
                    best = error
                    bestIteration = i
                } else if i - bestIteration > patience {
                    stop[0] = 1
                }
                if gradNorm <= parameters.minGradNorm { stop[0] = 1 }
                stop.withUnsafeMutableBufferPointer { world.broadcast($0, root: 0) }
                if stop[0] != 0 { break }
            }
            i += 1
        }
        return (error, min(i, to - 1))
    }

    /// Fills `gradient` (own rows) with ∂KL/∂y = 4·(Σ_j p_ij q_ij (y_i − y_j) − Σ_j q²_ij (y_i − y_j) / Z),
    /// q_ij = 1/(1 + ‖y_i − y_j‖²), p scaled by `exaggeration`; returns KL(P‖Q) when asked (else 0).
    /// Collective (Z and the KL are sums over ranks).
    mutating func gradientStep(_ positions: [Float], field: RepulsionField, exaggeration: Double, computeError: Bool) -> Double {
        let rows = own.count
        let thetaSquared = parameters.angle * parameters.angle
        let chunk = 64
        let chunks = (rows + chunk - 1) / chunk
        var attraction = [Double](repeating: 0, count: 2 * rows)
        var repulsion = [Double](repeating: 0, count: 2 * rows)
        let scale = Float(exaggeration)
        // The own rows in the tree's (spatial) order: consecutive queries walk nearly the same cells,
        // twice as fast as index order. Each row's sums do not depend on the order.
        // (The grid's interpolation is cheap and local: row order.)
        var visit = [Int32]()
        visit.reserveCapacity(rows)
        switch field {
        case .tree(let tree):
            for id in tree.order where own.contains(Int(id)) { visit.append(id - Int32(own.lowerBound)) }
        case .grid:
            for r in 0..<rows { visit.append(Int32(r)) }
        }
        // The grid's potentials behind raw pointers for the whole loop.
        func forces(_ gridField: InterpolatedRepulsion.Field?) {
            positions.withUnsafeBufferPointer { yb in
                attraction.withUnsafeMutableBufferPointer { ab in
                    repulsion.withUnsafeMutableBufferPointer { rb in
                        rowZ.withUnsafeMutableBufferPointer { zb in
                            p.values.withUnsafeBufferPointer { vb in
                                p.columns.withUnsafeBufferPointer { cb in
                                    let y = yb.baseAddress!, att = ab.baseAddress!, rep = rb.baseAddress!, z = zb.baseAddress!
                                    let values = vb.baseAddress!, columns = cb.baseAddress!
                                    let pointers = p.rowPointers, base = own.lowerBound
                                    parallelChunks(chunks, threads: threads) { c in
                                        for v in c * chunk..<min(rows, (c + 1) * chunk) {
                                            let r = Int(visit[v])
                                            let i = base + r
                                            let force: (fx: Double, fy: Double, z: Double)
                                            switch field {
                                            case .tree(let tree): force = tree.repulsion(of: i, thetaSquared: thetaSquared)
                                            case .grid: force = gridField?.repulsion(of: i) ?? (0, 0, 0)
                                            }
                                            rep[2 * r] = force.fx
                                            rep[2 * r + 1] = force.fy
                                            z[r] = force.z
                                            let yx = y[2 * i], yy = y[2 * i + 1]
                                            var fx = 0.0, fy = 0.0
                                            for e in pointers[r]..<pointers[r + 1] {
                                                let j = Int(columns[e])
                                                let dx = yx - y[2 * j], dy = yy - y[2 * j + 1]
                                                let q = 1 / (1 + dx * dx + dy * dy)
                                                let w = Double(values[e] * scale * q)
                                                fx += w * Double(dx)
                                                fy += w * Double(dy)
                                            }
                                            att[2 * r] = fx
                                            att[2 * r + 1] = fy
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if case .grid(let grid) = field, grid.fftSize > 0 {
            grid.withField { forces($0) }
        } else {
            forces(nil)
        }
        // Z over all pairs: an exact sum, the same on every rank and for any rank count.
        let zTotal = ExactSum.allreduce(rowZ, bound: Double(total) * Double(total), world: world)
        for e in 0..<2 * rows {
            gradient[e] = Float(4 * (attraction[e] - repulsion[e] / zTotal))
        }
        guard computeError else { return 0 }
        // KL(P‖Q) = Σ p_ij log(max(p_ij, tiny) / max(q_ij / Z, tiny)) over the stored entries.
        let tiny = Double(Float.leastNormalMagnitude)
        for r in 0..<rows {
            let i = own.lowerBound + r
            var c = 0.0
            for e in p.rowPointers[r]..<p.rowPointers[r + 1] {
                let j = Int(p.columns[e])
                let dx = positions[2 * i] - positions[2 * j], dy = positions[2 * i + 1] - positions[2 * j + 1]
                let q = Double(1 / (1 + dx * dx + dy * dy)) / zTotal
                let pij = Double(p.values[e] * scale)
                c += pij * log(max(pij, tiny) / max(q, tiny))
            }
            rowKL[r] = c
        }
        var sum = [rowKL.reduce(0, +)]
        world.allreduce(&sum, op: .sum)
        return sum[0]
    }
}
