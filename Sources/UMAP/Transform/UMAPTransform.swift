import Foundation
import LinearAlgebra
import Neighbors
import Randomness

/// New points placed into a fitted embedding (umap-learn 0.5's `UMAP.transform`), step by step:
/// `transformGraph` (the exact k nearest training codes, σ with ρ = 0, bipartite memberships), then
/// `transform(graph:…)` (initial positions at the membership-weighted mean of the neighbours'
/// training embedding, then layout epochs that move only the new points). `transform(_:…)` does both
/// for one block of rows.
///
/// umap-learn takes three numbers over the whole request: the row count (the epoch rule), the mean
/// kNN distance (σ's floor) and the strongest membership (pruning and sampling periods). A single
/// call computes them from its rows; a request split over ranks passes the whole request's values
/// (`UMAPTransformTotals`, from one sum and one max), and then every split gives the same bytes:
/// `transformGraph` of its block → allreduce Σ `distanceSum` → `withMeanDistance` → allreduce max
/// `strongestMembership` → `transform(graph:…)` with the request's row count.
public struct UMAPTransformGraph: Equatable, Sendable {
    /// Neighbours per new row (`parameters.neighbors`).
    public let k: Int
    /// The new rows, k training rows each (nearest first), and the distances to them.
    public var indices: [Int32]
    public var distances: [Float]
    /// σ_i (ρ_i = 0) and the memberships, laid out like `indices`.
    public var sigmas: [Float]
    public var memberships: [Float]

    public var rows: Int { indices.count / k }
    /// Σ of all distances (for the request's mean).
    public var distanceSum: Double { distances.reduce(0.0) { $0 + Double($1) } }
    /// The largest membership of these rows.
    public var strongestMembership: Float { memberships.max() ?? 0 }

    /// The same neighbours with σ and the memberships solved again for the request's mean distance
    /// (σ's floor), without a new search: a rank's block after the allreduced sum of `distanceSum`.
    public func withMeanDistance(_ meanDistance: Double) -> UMAPTransformGraph {
        let smooth = SmoothKNNDistances(distances: distances, k: k, meanDistance: meanDistance, localConnectivity: 0)
        return UMAPTransformGraph(k: k, indices: indices, distances: distances, sigmas: smooth.sigmas,
                                  memberships: smooth.bipartiteMemberships(distances: distances, k: k))
    }
}

/// The whole request's numbers a transform uses (see `UMAPTransformGraph`).
public struct UMAPTransformTotals: Equatable, Sendable {
    /// New rows in the request (all ranks).
    public var rows: Int
    /// The mean of all kNN distances of the request.
    public var meanDistance: Double
    /// The largest membership of the request (nil: not yet known, computed from the memberships).
    public var strongestMembership: Float?

    public init(rows: Int, meanDistance: Double, strongestMembership: Float? = nil) {
        self.rows = rows
        self.meanDistance = meanDistance
        self.strongestMembership = strongestMembership
    }
}

/// The outcome of a transform of one block of new rows.
public struct UMAPTransformResult {
    /// rows × components: the new rows' coordinates in the training embedding's space.
    public var embedding: Matrix
    /// The starting positions (membership-weighted means of the neighbours' embedding).
    public var initial: Matrix
    /// Layout epochs run (umap-learn's transform rule).
    public var epochs: Int
    /// The neighbours and memberships the rows were placed by.
    public var graph: UMAPTransformGraph
    /// Edges the layout sampled: memberships at or above strongest / epochs (umap-learn's pruning).
    public var edges: Int
}

extension UMAPParameters {
    /// umap-learn's epoch count of a transform of `rows` new points: epochs nil → 100 up to 10,000
    /// rows, else 30; given → epochs / 3 (rounded down, at least 1).
    public func transformEpochCount(rows: Int) -> Int {
        guard let epochs else { return rows <= 10_000 ? 100 : 30 }
        return max(1, epochs / 3)
    }
}

extension UMAP {
    /// The purpose constant of the transform's negative-sample streams.
    static let transformStream: UInt64 = 0x7472_616E_7366_6D72 // "transfmr"

    /// The exact `parameters.neighbors` nearest training codes of each new row and their memberships:
    /// σ by umap-learn's bisection with local connectivity max(0, 1 − 1) = 0 (ρ = 0) and σ's floor from
    /// `meanDistance` (nil: the mean over these rows), bipartite memberships exp(−d/σ).
    public static func transformGraph(_ newCodes: Matrix, trainingCodes: Matrix, parameters: UMAPParameters,
                                      meanDistance: Double? = nil, threads: Int = 1) -> UMAPTransformGraph {
        let k = parameters.neighbors
        let found = ExactKNN.query(newCodes, references: trainingCodes, k: k, metric: parameters.metric, threads: threads)
        let mean = meanDistance ?? found.distances.reduce(0.0) { $0 + Double($1) } / Double(max(found.distances.count, 1))
        return UMAPTransformGraph(k: k, indices: found.indices, distances: found.distances, sigmas: [], memberships: [])
            .withMeanDistance(mean)
    }

    /// Places the new rows of `newCodes` (global rows `firstRow ..< firstRow + rows` of the request)
    /// into `trainingEmbedding`, the fitted embedding of `trainingCodes`. `totals`: the whole request's
    /// numbers when this is one block of it (nil: these rows are the request).
    public static func transform(_ newCodes: Matrix, trainingCodes: Matrix, trainingEmbedding: Matrix,
                                 parameters: UMAPParameters, firstRow: Int, threads: Int,
                                 totals: UMAPTransformTotals? = nil) -> UMAPTransformResult {
        let graph = transformGraph(newCodes, trainingCodes: trainingCodes, parameters: parameters,
                                   meanDistance: totals?.meanDistance, threads: threads)
        return transform(graph: graph, trainingEmbedding: trainingEmbedding, parameters: parameters,
                         totalRows: totals?.rows ?? graph.rows,
                         strongestMembership: totals?.strongestMembership ?? graph.strongestMembership,
                         firstRow: firstRow, threads: threads)
    }

    /// The layout step of the transform for the rows of `graph`: initial positions, then
    /// `parameters.transformEpochCount(rows: totalRows)` epochs of umap-learn's
    /// `optimize_layout_euclidean` with `move_other=False` — edges with w < strongest/epochs pruned,
    /// each edge sampled every strongest/w epochs pulling the new point toward its fixed training
    /// neighbour, negative samples drawn uniformly from the training embedding, step
    /// learningRate/4 decaying linearly, components clipped to ±4, curve a, b from min_dist/spread.
    /// Each new row moves on its own, its negative samples drawn from the stream
    /// (seed, purpose, firstRow + i, epoch): the result does not depend on threads or on the split.
    public static func transform(graph: UMAPTransformGraph, trainingEmbedding: Matrix, parameters: UMAPParameters,
                                 totalRows: Int, strongestMembership: Float, firstRow: Int,
                                 threads: Int) -> UMAPTransformResult {
        let k = graph.k, rows = graph.rows, dim = trainingEmbedding.cols, n = trainingEmbedding.rows
        precondition(graph.indices.allSatisfy { $0 >= 0 && Int($0) < n }, "neighbours outside the training embedding")
        let epochs = parameters.transformEpochCount(rows: totalRows)
        let curve = CurveParameters.fit(minDist: parameters.minDist, spread: parameters.spread)
        let a = curve.a, b = curve.b
        let threshold = strongestMembership / Float(epochs)
        let initialAlpha = parameters.learningRate / 4
        let rate = parameters.negativeSampleRate
        var initial = Matrix(rows: rows, cols: dim)
        var embedding = Matrix(rows: rows, cols: dim)
        var edgeCounts = [Int](repeating: 0, count: rows)
        trainingEmbedding.storage.withUnsafeBufferPointer { trainingBuffer in
            initial.storage.withUnsafeMutableBufferPointer { initialBuffer in
                embedding.storage.withUnsafeMutableBufferPointer { embeddingBuffer in
                    let training = trainingBuffer.baseAddress!, starts = initialBuffer.baseAddress!
                    let out = embeddingBuffer.baseAddress!
                    edgeCounts.withUnsafeMutableBufferPointer { countBuffer in
                    let counts = countBuffer.baseAddress!
                    ParallelFor.chunks(count: rows, chunkSize: 16, threads: threads) { _, items in
                        var period = [Double](), nextSample = [Double](), negativePeriod = [Double](), nextNegative = [Double]()
                        var tails = [Int]()
                        for i in items {
                            let neighbours = graph.indices[i * k..<(i + 1) * k].map(Int.init)
                            let weights = Array(graph.memberships[i * k..<(i + 1) * k])
                            initialPosition(neighbours: neighbours, weights: weights, training: training, dim: dim,
                                            into: starts + i * dim)
                            let current = out + i * dim
                            current.update(from: starts + i * dim, count: dim)
                            // The edges that survive pruning, in kNN order, with their sampling schedules.
                            tails.removeAll(keepingCapacity: true)
                            period.removeAll(keepingCapacity: true)
                            for j in 0..<k where weights[j] > 0 && weights[j] >= threshold {
                                tails.append(neighbours[j])
                                let samples = Float(epochs) * (weights[j] / strongestMembership)
                                period.append(Double(epochs) / Double(samples))
                            }
                            counts[i] = tails.count
                            nextSample = period
                            negativePeriod = period.map { $0 / Double(rate) }
                            nextNegative = negativePeriod
                            for epoch in 0..<epochs {
                                // umap-learn updates alpha after each epoch: epochs 0 and 1 both run at the start value.
                                let alpha = initialAlpha * (1 - Float(max(epoch - 1, 0)) / Float(epochs))
                                var random = SeededGenerator(seed: parameters.seed, at: transformStream,
                                                             UInt64(firstRow + i), UInt64(epoch))
                                let now = Double(epoch)
                                for e in tails.indices where nextSample[e] <= now {
                                    let other = training + tails[e] * dim
                                    var squared: Float = 0
                                    for t in 0..<dim { let u = current[t] - other[t]; squared += u * u }
                                    if squared > 0 {
                                        let coefficient = LayoutGradient.attraction(squared: squared, a: a, b: b)
                                        for t in 0..<dim {
                                            current[t] += LayoutGradient.clip(coefficient * (current[t] - other[t])) * alpha
                                        }
                                    }
                                    nextSample[e] += period[e]
                                    let negatives = rate > 0 ? max(Int((now - nextNegative[e]) / negativePeriod[e]), 0) : 0
                                    for _ in 0..<negatives {
                                        let sample = training + random.below(n) * dim
                                        squared = 0
                                        for t in 0..<dim { let u = current[t] - sample[t]; squared += u * u }
                                        guard squared > 0 else { continue }
                                        let coefficient = LayoutGradient.repulsion(squared: squared, a: a, b: b)
                                        for t in 0..<dim {
                                            current[t] += LayoutGradient.clip(coefficient * (current[t] - sample[t])) * alpha
                                        }
                                    }
                                    nextNegative[e] += Double(negatives) * negativePeriod[e]
                                }
                            }
                        }
                    }
                    }
                }
            }
        }
        return UMAPTransformResult(embedding: embedding, initial: initial, epochs: epochs, graph: graph,
                                   edges: edgeCounts.reduce(0, +))
    }

    /// umap-learn's `init_graph_transform` for one new row: a neighbour at membership exactly 1 (an exact
    /// duplicate; the nearest such) gives its position; else the membership-weighted mean of the
    /// neighbours with positive membership; none (every membership underflowed; umap-learn gives NaN)
    /// → the nearest neighbour's position.
    static func initialPosition(neighbours: [Int], weights: [Float], training: UnsafePointer<Float>, dim: Int,
                                into start: UnsafeMutablePointer<Float>) {
        if let exact = weights.firstIndex(of: 1) {
            start.update(from: training + neighbours[exact] * dim, count: dim)
            return
        }
        let total = weights.reduce(0.0) { $0 + Double($1) }
        guard total > 0 else {
            start.update(from: training + neighbours[0] * dim, count: dim)
            return
        }
        for t in 0..<dim {
            var sum = 0.0
            for (j, w) in zip(neighbours, weights) where w > 0 { sum += Double(w) * Double(training[j * dim + t]) }
            start[t] = Float(sum / total)
        }
    }
}
