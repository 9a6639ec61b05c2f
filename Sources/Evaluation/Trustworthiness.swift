import LinearAlgebra
import Neighbors

/// How well an embedding keeps local neighbourhoods, as scikit-learn's `trustworthiness`:
/// T(k) = 1 − 2/(n·k·(2n − 3k − 1)) · Σ_i Σ_{j ∈ U_k(i)} (r(i, j) − k), where U_k(i) are the k nearest
/// neighbours of i in the embedding that are not among its k nearest in the original space, and
/// r(i, j) is the rank of j among i's neighbours in the original space (1 = nearest). 1 is perfect.
public enum Trustworthiness {
    /// T(k) of `embedded` (n rows) for `original` (the same n rows), Euclidean in both spaces.
    /// Requires k < n/2. Cost O(n²·d): meant for samples of a few thousand rows.
    public static func score(original: Matrix, embedded: Matrix, neighbors k: Int = 5, threads: Int = 1) -> Double {
        let n = original.rows
        precondition(embedded.rows == n, "trustworthiness needs the same rows in both spaces")
        precondition(k >= 1 && 2 * k < n, "trustworthiness needs 1 ≤ k < n/2 (k = \(k), n = \(n))")
        let near = ExactKNN.search(embedded, queries: 0..<n, k: k + 1, metric: .euclidean, threads: threads)
        let d = original.cols
        var penalty = 0.0
        var row = [Float](repeating: 0, count: n)
        original.storage.withUnsafeBufferPointer { x in
            for i in 0..<n {
                for j in 0..<n {
                    var s: Float = 0
                    for t in 0..<d { let u = x[i * d + t] - x[j * d + t]; s += u * u }
                    row[j] = s
                }
                row[i] = .infinity
                for s in 1...k {
                    let j = Int(near.indices[i * (k + 1) + s])
                    let dj = row[j]
                    var rank = 1
                    for l in 0..<n where row[l] < dj || (row[l] == dj && l < j) { rank += 1 }
                    if rank > k { penalty += Double(rank - k) }
                }
            }
        }
        let nd = Double(n), kd = Double(k)
        return 1 - penalty * 2 / (nd * kd * (2 * nd - 3 * kd - 1))
    }
}
