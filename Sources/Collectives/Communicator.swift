/// A group of ranks that run the same program and exchange data through collectives.
///
/// Every collective must be called by every rank of the communicator, in the same order, with
/// matching sizes, or the job deadlocks (MPI semantics). Buffers are row-major, contiguous.
/// Implementations: `MPICommunicator` (real MPI) and `LocalCommunicator` (one rank, no MPI).
public protocol Communicator: AnyObject {
    /// This rank's index, `0..<size`.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }
    /// The number of ranks that share this rank's machine (its shared-memory domain).
    var localSize: Int { get }
    /// This rank's index among the ranks of its machine.
    var localRank: Int { get }
    /// The rank (in this communicator) of local rank 0 on this rank's machine: the same for exactly
    /// the ranks that share it.
    var machine: Int { get }
    /// The name of the machine this rank runs on.
    var hostName: String { get }
    /// A human-readable name and version of the transport, e.g. "Open MPI v4.1.4".
    var libraryVersion: String { get }

    /// Returns when every rank has called it.
    func barrier()
    /// Copies `buffer` of `root` into `buffer` of every other rank (all have the same count).
    func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int)
    /// Replaces `buffer` on every rank by the element-wise reduction over ranks.
    func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp)
    /// Starts an in-place allreduce and returns at once. `buffer` must stay alive and untouched until
    /// `wait()` is called on the result.
    func startAllreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) -> PendingCollective
    /// Concatenates every rank's `send` (rank order) into `recv` on every rank; `counts[r]` is rank r's count.
    func allgatherv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>, counts: [Int])
    /// Like `allgatherv`, but only `root` receives; `recv` is ignored on other ranks.
    func gatherv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>?, counts: [Int], root: Int)
    /// Splits `send` of `root` into consecutive pieces of `counts[r]` elements; rank r receives piece r.
    func scatterv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>?, counts: [Int], into recv: UnsafeMutableBufferPointer<T>, root: Int)
    /// Each rank sends `sendCounts[r]` consecutive elements to rank r and receives `recvCounts[r]` from it.
    func alltoallv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, sendCounts: [Int],
                                        into recv: UnsafeMutableBufferPointer<T>, recvCounts: [Int])
    /// A communicator over the ranks that pass `including: true`, in rank order; nil on the others.
    /// Collective over this communicator. Its machines and local ranks are its own members'.
    func subset(including: Bool) -> Communicator?
    /// Allocates `floats` zeroed floats that all ranks of this machine share (see `SharedFloats`).
    /// Collective: every rank of the communicator calls it, in the same order as the other collectives.
    func allocateShared(floats: Int) -> SharedFloats
    /// Ends the whole job at once (every rank), after printing `message` on standard error.
    func abort(message: String, code: Int32) -> Never
}

/// A collective that has been started and must be completed with `wait()`.
public protocol PendingCollective: AnyObject {
    /// Blocks until the collective has completed on this rank.
    func wait()
    /// Like `wait()`, but sleeps between polls (ever longer, up to 10 ms) instead of spinning: for a
    /// rank that waits seconds while others compute, leaving them its core when ranks outnumber cores.
    func waitSleeping()
}
