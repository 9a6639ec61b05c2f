import Foundation
import LinearAlgebra

/// The conditional probabilities p(j|i) of each row's neighbours: a Gaussian exp(−β_i·d²_ij) over the
/// row's k neighbours (the point itself left out), normalised to sum 1, with β_i found by bisection so
/// that the row's entropy H_i = log Σ_j e^(−β d²) + β·Σ_j d² p(j|i) equals log(perplexity).
///
/// As scikit-learn's `_binary_search_perplexity`: β starts at 1 and doubles (halves) until it is
/// bracketed, then bisects; it stops when |H_i − log(perplexity)| ≤ 1e-5 or after 100 steps. Arithmetic
/// in Double on Float squared distances; a row whose weights all underflow uses the sum 1e-8.
public enum PerplexitySearch {
    public static let tolerance = 1e-5
    public static let steps = 100

    public struct Result: Sendable {
        /// p(j|i), row after row, `k` per row (the order of the distances).
        public var probabilities: [Double]
        /// β_i per row.
        public var betas: [Double]
        /// H_i per row at the β found (natural logarithm).
        public var entropies: [Double]
    }

    /// `squaredDistances` holds `rows × k` squared distances (row after row, the point itself not among them).
    public static func solve(squaredDistances: [Float], k: Int, perplexity: Double, threads: Int = 1) -> Result {
        precondition(k >= 1 && squaredDistances.count % k == 0, "perplexity search needs rows × k distances")
        let rows = squaredDistances.count / k
        var p = [Double](repeating: 0, count: rows * k)
        var betas = [Double](repeating: 0, count: rows)
        var entropies = [Double](repeating: 0, count: rows)
        let target = log(perplexity)
        let chunk = 256
        let chunks = (rows + chunk - 1) / chunk
        squaredDistances.withUnsafeBufferPointer { dBuffer in
            p.withUnsafeMutableBufferPointer { pBuffer in
                betas.withUnsafeMutableBufferPointer { bBuffer in
                    entropies.withUnsafeMutableBufferPointer { hBuffer in
                        let d = dBuffer.baseAddress!, out = pBuffer.baseAddress!
                        let beta = bBuffer.baseAddress!, entropy = hBuffer.baseAddress!
                        parallelChunks(chunks, threads: threads) { c in
                            for i in c * chunk..<min(rows, (c + 1) * chunk) {
                                let (b, h) = solveRow(d + i * k, k: k, target: target, into: out + i * k)
                                beta[i] = b
                                entropy[i] = h
                            }
                        }
                    }
                }
            }
        }
        return Result(probabilities: p, betas: betas, entropies: entropies)
    }

    /// One row: writes p(j|i) to `out`, returns (β, H).
    static func solveRow(_ d: UnsafePointer<Float>, k: Int, target: Double, into out: UnsafeMutablePointer<Double>)
        -> (Double, Double) {
        var beta = 1.0, low = -Double.infinity, high = Double.infinity
        var entropy = 0.0
        for _ in 0..<steps {
            var sum = 0.0
            for j in 0..<k {
                let w = exp(-Double(d[j]) * beta)
                out[j] = w
                sum += w
            }
            if sum == 0 { sum = 1e-8 }
            var weighted = 0.0
            for j in 0..<k {
                out[j] /= sum
                weighted += Double(d[j]) * out[j]
            }
            entropy = log(sum) + beta * weighted
            let gap = entropy - target
            if abs(gap) <= tolerance { break }
            if gap > 0 {
                low = beta
                beta = high == .infinity ? beta * 2 : (beta + high) / 2
            } else {
                high = beta
                beta = low == -.infinity ? beta / 2 : (beta + low) / 2
            }
        }
        return (beta, entropy)
    }
}

/// Runs `body(c)` for c in 0..<count on up to `threads` workers (`ComputeThreads.perform`), each
/// worker taking every `workers`-th chunk. What a chunk computes must not depend on the worker.
func parallelChunks(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for c in 0..<count { body(c) }
        return
    }
    ComputeThreads.perform(iterations: workers) { w in
        var c = w
        while c < count {
            body(c)
            c += workers
        }
    }
}
