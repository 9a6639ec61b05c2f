/// Which of its rows each rank contributes to each step of an epoch.
///
/// Global mode: rank r takes `share_r` rows (its part of `RowPartition(total: batchSize)`) per step;
/// per-rank mode: `batchSize` rows. An epoch has `⌈N / B⌉` steps (N all training rows, B the global
/// batch); the last step takes whatever rows each rank has left, so every row is seen once.
struct BatchSchedule {
    let rowsPerRank: [Int]
    let shares: [Int]
    let steps: Int

    init(rowsPerRank: [Int], batchSize: Int, mode: BatchMode) {
        self.rowsPerRank = rowsPerRank
        let ranks = rowsPerRank.count
        switch mode {
        case .global:
            shares = (0..<ranks).map { r in batchSize / ranks + (r < batchSize % ranks ? 1 : 0) }
        case .perRank:
            shares = Array(repeating: batchSize, count: ranks)
        }
        let total = rowsPerRank.reduce(0, +)
        let globalBatch = shares.reduce(0, +)
        steps = max(1, (total + globalBatch - 1) / globalBatch)
    }

    /// The positions (in the rank's shuffled order) rank r uses at step s.
    func range(rank r: Int, step s: Int) -> Range<Int> {
        let n = rowsPerRank[r]
        let start = min(n, s * shares[r])
        let end = s == steps - 1 ? n : min(n, start + shares[r])
        return start..<end
    }

    /// The most rows rank r contributes to one step.
    func largestBatch(rank r: Int) -> Int { max(range(rank: r, step: 0).count, range(rank: r, step: steps - 1).count) }

    /// The global batch size at step s.
    func globalRows(step s: Int) -> Int { rowsPerRank.indices.reduce(0) { $0 + range(rank: $1, step: s).count } }
}
