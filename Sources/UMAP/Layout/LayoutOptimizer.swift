import Randomness
import Collectives
import Dispatch
import Foundation
import LinearAlgebra
import Neighbors

/// UMAP's layout SGD (umap-learn's `optimize_layout_euclidean`): each positive edge (i, j) is
/// sampled every `epochsPerSample` epochs and pulls i and j together with the attraction
/// −2ab·d^{2(b−1)}/(1 + a·d^{2b}); after each, `negativeSampleRate` random vertices push i away with
/// 2b/((0.001 + d²)(1 + a·d^{2b})); every gradient component is clipped to ±4 and the step decays
/// linearly from the learning rate to 0.
///
/// Parallel and deterministic: each rank splits its edges into `chunksPerRank` chunks, and each
/// epoch into rounds; in a round every chunk runs its share of the round's edges on its own copy of
/// the round's starting embedding (threads run chunks side by side), then the chunks' moves are
/// summed and allreduced over ranks, so all ranks hold the same embedding after every round. The
/// result depends on the seed and the rank count only (not on threads).
///
/// Rounds bound the staleness: a chunk does not see the other chunks' moves until the round ends.
/// Measured on Fashion-MNIST codes (docs/UMAP.md), 4 or 16 chunks synchronised once per epoch lose
/// 0.06 of the mixture's ACC against one chunk (umap-learn's sequential SGD); 2 chunks per epoch, or
/// 16 chunks over 8 rounds, keep it. So an epoch has one round per `chunksPerRound` chunks in all,
/// at most `maximumRounds`.
public struct LayoutOptimizer {
    public var curve: CurveParameters
    public var epochs: Int
    public var negativeSampleRate: Int
    public var learningRate: Float
    public var seed: UInt64
    /// Independent edge chunks per rank (fixed, so the result does not depend on the thread count).
    public var chunksPerRank = 2
    /// Chunks (over all ranks) per synchronisation round.
    public static let chunksPerRound = 2
    /// The most rounds in an epoch (each costs an allreduce of N × components floats).
    public static let maximumRounds = 16

    /// Rounds per epoch for `ranks` ranks: one per `chunksPerRound` chunks, 1 to `maximumRounds`.
    public func roundsPerEpoch(ranks: Int) -> Int {
        min(Self.maximumRounds, max(1, (ranks * chunksPerRank + Self.chunksPerRound - 1) / Self.chunksPerRound))
    }

    public init(curve: CurveParameters, epochs: Int, negativeSampleRate: Int, learningRate: Float, seed: UInt64) {
        self.curve = curve
        self.epochs = epochs
        self.negativeSampleRate = negativeSampleRate
        self.learningRate = learningRate
        self.seed = seed
    }

    /// Runs every epoch on `embedding` (N × dim, the same on every rank), sampling this rank's `edges`.
    /// Collective. `progress` receives (epochs done, epochs). Returns the seconds spent synchronising.
    @discardableResult
    public func optimize(_ embedding: inout Matrix, edges: LayoutEdges, world: Communicator, threads: Int,
                         progress: ((Int, Int) -> Void)? = nil) -> Double {
        let n = embedding.rows, dim = embedding.cols, size = n * dim
        let chunks = (0..<chunksPerRank).map { c in
            (edges.count * c / chunksPerRank)..<(edges.count * (c + 1) / chunksPerRank)
        }
        var nextSample = edges.epochsPerSample
        let negativePeriod = edges.epochsPerSample.map { $0 / Float(max(negativeSampleRate, 1)) }
        var nextNegative = negativePeriod
        var copies = [Float](repeating: 0, count: chunksPerRank * size)
        var delta = [Float](repeating: 0, count: size)
        var syncSeconds = 0.0
        let workers = max(1, min(threads, chunksPerRank))
        let rounds = roundsPerEpoch(ranks: world.size)
        for epoch in 0..<epochs {
            let alpha = learningRate * (1 - Float(epoch) / Float(epochs))
            var randoms = (0..<chunksPerRank).map { c in
                SeededGenerator(seed: seed, at: UInt64(world.rank * chunksPerRank + c), UInt64(epoch))
            }
            for round in 0..<rounds {
                embedding.storage.withUnsafeBufferPointer { start in
                    copies.withUnsafeMutableBufferPointer { copyBuffer in
                        nextSample.withUnsafeMutableBufferPointer { ns in
                            nextNegative.withUnsafeMutableBufferPointer { nn in
                                randoms.withUnsafeMutableBufferPointer { streams in
                                    let copyBase = copyBuffer.baseAddress!, nsBase = ns.baseAddress!, nnBase = nn.baseAddress!
                                    ComputeThreads.perform(iterations: workers) { worker in
                                        for c in stride(from: worker, to: chunksPerRank, by: workers) {
                                            let local = copyBase + c * size
                                            local.update(from: start.baseAddress!, count: size)
                                            let chunk = chunks[c]
                                            let share = (chunk.lowerBound + chunk.count * round / rounds)
                                                ..< (chunk.lowerBound + chunk.count * (round + 1) / rounds)
                                            sampleEdges(share, epoch: epoch, alpha: alpha, embedding: local, n: n, dim: dim,
                                                        edges: edges, nextSample: nsBase, nextNegative: nnBase,
                                                        negativePeriod: negativePeriod, random: &streams[c])
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                sumMoves(copies: copies, start: embedding.storage, into: &delta, chunks: chunksPerRank, threads: threads)
                if world.size > 1 {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    world.allreduce(&delta, op: .sum)
                    syncSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                }
                embedding.storage.withUnsafeMutableBufferPointer { e in
                    delta.withUnsafeBufferPointer { d in for x in 0..<size { e[x] += d[x] } }
                }
            }
            progress?(epoch + 1, epochs)
        }
        return syncSeconds
    }

    /// The SGD steps of one round's share of a chunk's edges, on the chunk's own copy of the embedding.
    private func sampleEdges(_ range: Range<Int>, epoch: Int, alpha: Float, embedding: UnsafeMutablePointer<Float>,
                             n: Int, dim: Int, edges: LayoutEdges, nextSample: UnsafeMutablePointer<Float>,
                             nextNegative: UnsafeMutablePointer<Float>, negativePeriod: [Float],
                             random: inout SeededGenerator) {
        let a = curve.a, b = curve.b
        let now = Float(epoch)
        // The negative samples are drawn `NegativeLookahead.depth` draws before they are used (the same draws in the
        // same order), and their rows and the tails a few edges ahead are prefetched: the random reads
        // of the embedding, which bind the layout, overlap instead of waiting one after another.
        var upcoming = NegativeLookahead(random: &random, n: n, rows: UnsafePointer(embedding), dim: dim)
        // The tails of the next sampled edges: a cursor runs up to `edgeLookahead` edges ahead of
        // the edge being sampled and prefetches the tail of every edge it passes that is due now.
        let edgeLookahead = 48
        var prefetched = range.lowerBound
        edges.heads.withUnsafeBufferPointer { heads in
            edges.tails.withUnsafeBufferPointer { tails in
                edges.epochsPerSample.withUnsafeBufferPointer { period in
                    negativePeriod.withUnsafeBufferPointer { negPeriod in
                        for e in range where nextSample[e] <= now {
                            let horizon = min(e + edgeLookahead, range.upperBound)
                            while prefetched < horizon {
                                if nextSample[prefetched] <= now { Prefetch.span(embedding + Int(tails[prefetched]) * dim, count: dim) }
                                prefetched += 1
                            }
                            let i = Int(heads[e]), j = Int(tails[e])
                            let current = embedding + i * dim
                            var other = embedding + j * dim
                            var squared: Float = 0
                            for t in 0..<dim { let u = current[t] - other[t]; squared += u * u }
                            if squared > 0 {
                                let coefficient = LayoutGradient.attraction(squared: squared, a: a, b: b)
                                for t in 0..<dim {
                                    let step = clip(coefficient * (current[t] - other[t])) * alpha
                                    current[t] += step
                                    other[t] -= step
                                }
                            }
                            nextSample[e] += period[e]
                            // Rate 0: no negative samples (umap-learn's period is then infinite).
                            let negatives = negativeSampleRate > 0 ? Int((now - nextNegative[e]) / negPeriod[e]) : 0
                            for _ in 0..<max(negatives, 0) {
                                other = embedding + upcoming.next(&random) * dim
                                squared = 0
                                for t in 0..<dim { let u = current[t] - other[t]; squared += u * u }
                                if squared > 0 {
                                    let coefficient = LayoutGradient.repulsion(squared: squared, a: a, b: b)
                                    for t in 0..<dim { current[t] += clip(coefficient * (current[t] - other[t])) * alpha }
                                }
                            }
                            nextNegative[e] += Float(max(negatives, 0)) * negPeriod[e]
                        }
                    }
                }
            }
        }
    }

    @inline(__always) private func clip(_ value: Float) -> Float { LayoutGradient.clip(value) }

    /// The next `NegativeLookahead.depth` negative samples of a chunk, drawn ahead from its stream with
    /// their rows prefetched; `next` returns the oldest and draws one more, so the samples used are
    /// exactly the stream's draws in order.
    private struct NegativeLookahead {
        static let depth = 8
        var ring: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
        var cursor = 0
        let n: Int, dim: Int
        let rows: UnsafePointer<Float>

        init(random: inout SeededGenerator, n: Int, rows: UnsafePointer<Float>, dim: Int) {
            self.n = n
            self.dim = dim
            self.rows = rows
            withUnsafeMutableBytes(of: &ring) { raw in
                let slots = raw.bindMemory(to: Int.self)
                for s in 0..<Self.depth {
                    slots[s] = random.below(n)
                    Prefetch.span(rows + slots[s] * dim, count: dim)
                }
            }
        }

        @inline(__always) mutating func next(_ random: inout SeededGenerator) -> Int {
            let fresh = random.below(n)
            Prefetch.span(rows + fresh * dim, count: dim)
            let c = cursor
            cursor = (cursor + 1) & (Self.depth - 1)
            return withUnsafeMutableBytes(of: &ring) { raw in
                let slots = raw.bindMemory(to: Int.self)
                let oldest = slots[c]
                slots[c] = fresh
                return oldest
            }
        }
    }

    /// delta = Σ_c (copy_c − start), split over threads by element range.
    private func sumMoves(copies: [Float], start: [Float], into delta: inout [Float], chunks: Int, threads: Int) {
        let size = start.count
        let workers = max(1, min(threads, 8))
        copies.withUnsafeBufferPointer { cb in
            start.withUnsafeBufferPointer { sb in
                delta.withUnsafeMutableBufferPointer { db in
                    let c = cb.baseAddress!, s = sb.baseAddress!, d = db.baseAddress!
                    ComputeThreads.perform(iterations: workers) { w in
                        for x in (size * w / workers)..<(size * (w + 1) / workers) {
                            var sum: Float = 0
                            for chunk in 0..<chunks { sum += c[chunk * size + x] - s[x] }
                            d[x] = sum
                        }
                    }
                }
            }
        }
    }
}
