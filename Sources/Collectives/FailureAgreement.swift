/// An error that ended a stage on some rank, as every rank reports it after agreeing.
public struct RankFailure: Error, CustomStringConvertible, Sendable {
    /// The lowest rank that failed.
    public let rank: Int
    /// The stage in which it failed.
    public let stage: String
    /// That rank's error message.
    public let message: String

    public init(rank: Int, stage: String, message: String) {
        self.rank = rank
        self.stage = stage
        self.message = message
    }

    public var description: String { "rank \(rank) failed in \(stage): \(message)" }
}

extension Communicator {
    /// Agrees on the outcome of a stage. Every rank calls it with its own error (or nil); if any rank
    /// failed, every rank throws the same `RankFailure`, carrying the lowest failing rank's message.
    /// Costs one small allreduce when nothing failed. `sleeping`: this rank waits for it without
    /// spinning (`PendingCollective.waitSleeping`), as a rank that waits while others compute should;
    /// the ranks may differ in it.
    public func agree(stage: String, error: Error?, sleeping: Bool = false) throws {
        var flag = [error == nil ? Int64.max : Int64(rank)]
        flag.withUnsafeMutableBufferPointer {
            let pending = startAllreduce($0, op: .min)
            if sleeping { pending.waitSleeping() } else { pending.wait() }
        }
        guard flag[0] != Int64.max else { return }
        let root = Int(flag[0])
        let text = broadcast(error.map { describe($0) } ?? "", root: root)
        throw RankFailure(rank: root, stage: stage, message: text)
    }

    /// Runs `body` on every rank and agrees on its outcome (see `agree(stage:error:)`). The body must
    /// not call collectives after it may have thrown on some rank: those would wait forever. Put the
    /// agreement where ranks work on their own (parsing, validation) and collectives outside it.
    public func agreeing<T>(_ stage: String, _ body: () throws -> T) throws -> T {
        var result: T?
        var failure: Error?
        do { result = try body() } catch { failure = error }
        try agree(stage: stage, error: failure)
        return result!
    }
}

/// The message of an error as users should read it.
public func describe(_ error: Error) -> String {
    if let failure = error as? RankFailure { return failure.description }
    if let custom = error as? CustomStringConvertible { return custom.description }
    return String(describing: error)
}
