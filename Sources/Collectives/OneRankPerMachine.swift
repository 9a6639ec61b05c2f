extension Communicator {
    /// Runs `body` on one rank per machine (its local rank 0), over a communicator of those ranks,
    /// while the machine's other ranks wait without spinning; agrees on the outcome, then every rank
    /// receives rank 0's `count` values. For work whose every rank would repeat a large shared part
    /// (the t-SNE grid, a replicated tree): with more ranks than cores (8 ranks on 2 cores), each rank
    /// doing so takes the cores from the others. Collective. `body` must not throw on one machine's rank
    /// after it has called a collective that the other machines' ranks wait in.
    public func onOneRankPerMachine<T: CollectiveScalar>(_ stage: String, count: Int,
                                                         _ body: (Communicator) throws -> [T]) throws -> [T] {
        let leaders = subset(including: localRank == 0)
        var values: [T] = []
        var failure: Error?
        if let leaders {
            do {
                values = try body(leaders)
                precondition(values.count == count, "\(stage): \(values.count) values, \(count) expected")
            } catch {
                failure = error
            }
        }
        try agree(stage: stage, error: failure, sleeping: leaders == nil)
        if leaders == nil { values = [T](repeating: .zero, count: count) }
        broadcast(&values, root: 0)
        return values
    }
}
