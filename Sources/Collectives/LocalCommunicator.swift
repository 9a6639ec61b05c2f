#if canImport(Glibc)
import Glibc
#endif

/// A communicator of one rank that makes no MPI call: every collective is a copy or a no-op.
/// Plain `n2d-mpi` (without mpirun) and the unit tests use it.
public final class LocalCommunicator: Communicator {
    public init() {}

    public var rank: Int { 0 }
    public var size: Int { 1 }
    public var localSize: Int { 1 }
    public var localRank: Int { 0 }
    public var machine: Int { 0 }
    public var hostName: String { currentHostName() }
    public var libraryVersion: String { "none (single process)" }

    public func barrier() {}
    public func subset(including: Bool) -> Communicator? { including ? self : nil }
    public func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) {
        precondition(root == 0, "root \(root) out of range for 1 rank")
    }
    public func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) {}
    public func startAllreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) -> PendingCollective {
        CompletedCollective()
    }
    public func allgatherv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>, counts: [Int]) {
        copyOwnPiece(send, into: recv, counts: counts)
    }
    public func gatherv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>?, counts: [Int], root: Int) {
        guard let recv else { preconditionFailure("gatherv: root needs a receive buffer") }
        copyOwnPiece(send, into: recv, counts: counts)
    }
    public func scatterv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>?, counts: [Int], into recv: UnsafeMutableBufferPointer<T>, root: Int) {
        guard let send else { preconditionFailure("scatterv: root needs a send buffer") }
        copyOwnPiece(UnsafeBufferPointer(rebasing: send[0..<counts[0]]), into: recv, counts: counts)
    }
    public func alltoallv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, sendCounts: [Int],
                                               into recv: UnsafeMutableBufferPointer<T>, recvCounts: [Int]) {
        precondition(sendCounts == recvCounts, "alltoallv: one rank sends what it receives")
        copyOwnPiece(UnsafeBufferPointer(rebasing: send[0..<sendCounts[0]]), into: recv, counts: recvCounts)
    }
    public func allocateShared(floats: Int) -> SharedFloats {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(floats, 1) * 4, alignment: 64)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(floats, 1))
        pointer.initialize(repeating: 0, count: max(floats, 1))
        return SharedFloats(pointer: pointer, count: floats, barrier: {}, fence: {}, release: { pointer.deallocate() })
    }
    public func abort(message: String, code: Int32) -> Never {
        writeStandardError(message)
        exit(code)
    }

    private func copyOwnPiece<T>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>, counts: [Int]) {
        precondition(counts.count == 1 && counts[0] == send.count && recv.count >= send.count,
                     "collective counts do not match the buffers")
        if send.count > 0, send.baseAddress != UnsafePointer(recv.baseAddress) {
            recv.baseAddress!.update(from: send.baseAddress!, count: send.count)
        }
    }
}

/// A collective that completed when it started.
final class CompletedCollective: PendingCollective {
    func wait() {}
    func waitSleeping() {}
}

/// The machine's host name.
func currentHostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    gethostname(&buffer, buffer.count - 1)
    return String(cString: buffer)
}

/// Writes a line to standard error, unbuffered.
public func writeStandardError(_ message: String) {
    let line = message.hasSuffix("\n") ? message : message + "\n"
    _ = line.withCString { fputs($0, stderr) }
    fflush(stderr)
}
