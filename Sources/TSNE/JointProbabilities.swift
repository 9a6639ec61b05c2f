import Collectives
import Foundation

/// This rank's rows of the symmetric joint probabilities P = (C + Cᵀ) / Σ(C + Cᵀ), where C holds the
/// conditional p(j|i) of every row's kNN (scikit-learn's `_joint_probabilities_nn`; the sum is 2N up
/// to rounding, as every row of C sums to 1). Row i of P has the union of i's neighbours and of the
/// points that have i as a neighbour, columns ascending.
public struct JointProbabilities: Equatable, Sendable {
    /// The global rows held.
    public let rows: Range<Int>
    /// `rows.count + 1` offsets into `columns` and `values`.
    public var rowPointers: [Int]
    public var columns: [Int32]
    public var values: [Float]

    public init(rows: Range<Int>, rowPointers: [Int], columns: [Int32], values: [Float]) {
        self.rows = rows
        self.rowPointers = rowPointers
        self.columns = columns
        self.values = values
    }

    /// Symmetrises the conditional probabilities of this rank's rows (`own` rows × `k` neighbours,
    /// global indices, the point itself left out). Collective: each entry (i, j) travels to the owner
    /// of row j as (j, i) in one all-to-all.
    public static func symmetrised(own: Range<Int>, total: Int, k: Int, neighbors: [Int32], conditional: [Double],
                                   world: Communicator) -> JointProbabilities {
        precondition(neighbors.count == own.count * k && conditional.count == neighbors.count, "conditional P of \(own.count) rows × \(k)")
        let partition = RowPartition(total: total, size: world.size)
        // The transposed entries, grouped by the rank that owns their new row.
        var sendCounts = [Int](repeating: 0, count: world.size)
        for j in neighbors { sendCounts[partition.owner(of: Int(j))] += 1 }
        var offsets = [Int](repeating: 0, count: world.size)
        for r in 1..<world.size { offsets[r] = offsets[r - 1] + sendCounts[r - 1] }
        var sendPairs = [Int32](repeating: 0, count: 2 * neighbors.count)
        var sendValues = [Double](repeating: 0, count: neighbors.count)
        for r in 0..<own.count {
            let i = Int32(own.lowerBound + r)
            for s in 0..<k {
                let e = r * k + s
                let j = neighbors[e]
                let owner = partition.owner(of: Int(j))
                let slot = offsets[owner]
                offsets[owner] += 1
                sendPairs[2 * slot] = j
                sendPairs[2 * slot + 1] = i
                sendValues[slot] = conditional[e]
            }
        }
        let recvCounts = exchangeCounts(sendCounts, world: world)
        let received = recvCounts.reduce(0, +)
        var recvPairs = [Int32](repeating: 0, count: 2 * received)
        var recvValues = [Double](repeating: 0, count: received)
        sendPairs.withUnsafeBufferPointer { s in
            recvPairs.withUnsafeMutableBufferPointer { world.alltoallv(s, sendCounts: sendCounts.map { 2 * $0 }, into: $0, recvCounts: recvCounts.map { 2 * $0 }) }
        }
        sendValues.withUnsafeBufferPointer { s in
            recvValues.withUnsafeMutableBufferPointer { world.alltoallv(s, sendCounts: sendCounts, into: $0, recvCounts: recvCounts) }
        }

        // Every entry of each own row: its own conditional row and the transposed ones received.
        var entries = [[(Int32, Double)]](repeating: [], count: own.count)
        for r in 0..<own.count {
            entries[r].reserveCapacity(2 * k)
            for s in 0..<k { entries[r].append((neighbors[r * k + s], conditional[r * k + s])) }
        }
        for e in 0..<received {
            let row = Int(recvPairs[2 * e]) - own.lowerBound
            entries[row].append((recvPairs[2 * e + 1], recvValues[e]))
        }
        var pointers = [0]
        pointers.reserveCapacity(own.count + 1)
        var columns: [Int32] = []
        var sums: [Double] = []
        columns.reserveCapacity(2 * k * own.count)
        sums.reserveCapacity(2 * k * own.count)
        var rowSums = [Double](repeating: 0, count: own.count)
        for r in 0..<own.count {
            let sorted = entries[r].sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
            var rowSum = 0.0
            var e = 0
            while e < sorted.count {
                var value = sorted[e].1
                var f = e + 1
                while f < sorted.count, sorted[f].0 == sorted[e].0 { value += sorted[f].1; f += 1 }
                columns.append(sorted[e].0)
                sums.append(value)
                rowSum += value
                e = f
            }
            rowSums[r] = rowSum
            pointers.append(columns.count)
        }
        let total = max(ExactSum.allreduce(rowSums, bound: 4 * Double(total), world: world), Double.ulpOfOne)
        return JointProbabilities(rows: own, rowPointers: pointers, columns: columns, values: sums.map { Float($0 / total) })
    }

    /// What every rank sends this one, from what this one sends every rank.
    static func exchangeCounts(_ sendCounts: [Int], world: Communicator) -> [Int] {
        let send = sendCounts.map(Int64.init)
        var recv = [Int64](repeating: 0, count: world.size)
        let ones = [Int](repeating: 1, count: world.size)
        send.withUnsafeBufferPointer { s in
            recv.withUnsafeMutableBufferPointer { world.alltoallv(s, sendCounts: ones, into: $0, recvCounts: ones) }
        }
        return recv.map { Int($0) }
    }
}

/// A sum over ranks that does not depend on the rank count or the order of the terms: every term is
/// rounded to a fixed-point Int64 (scale 2^s, the largest that keeps `bound` below 2^62), and the
/// integers are summed exactly. Absolute error at most (terms / 2)·2^−s: relative error about
/// 2^−60 of `bound` per term. Terms must satisfy Σ|term| ≤ bound.
public enum ExactSum {
    public static func scale(bound: Double) -> Double {
        let exponent = 62 - Int((max(bound, 1)).exponent) - 1
        return Double(sign: .plus, exponent: exponent, significand: 1)
    }

    /// The local part, as the integer the collective adds.
    public static func fixedPoint<S: Sequence>(_ terms: S, scale: Double) -> Int64 where S.Element == Double {
        var sum: Int64 = 0
        for t in terms { sum &+= Int64((t * scale).rounded()) }
        return sum
    }

    /// Σ terms over every rank. Collective.
    public static func allreduce(_ terms: [Double], bound: Double, world: Communicator) -> Double {
        let s = scale(bound: bound)
        return Double(world.allreduce(fixedPoint(terms, scale: s), op: .sum)) / s
    }
}
