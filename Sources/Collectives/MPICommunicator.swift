import CMPI
import CMPIShims
#if canImport(Glibc)
import Glibc
#endif

/// A communicator over MPI_COMM_WORLD (Open MPI). Create it once per process with `initialize()`;
/// call `finalize()` before the process exits normally.
///
/// MPI errors are fatal (Open MPI's default handler): a failed collective ends the whole job, so no
/// rank waits on a peer that has gone. A peer that stops answering without an error (host down,
/// network cut) is bounded by the optional `watchdog`.
public final class MPICommunicator: Communicator {
    public let rank: Int
    public let size: Int
    public let localSize: Int
    public let localRank: Int
    public let machine: Int
    public let hostName: String
    public let libraryVersion: String
    /// Bounds the time inside each collective when a collective timeout was set and there are
    /// several ranks, else nil.
    public let watchdog: CollectiveWatchdog?
    private let comm: MPI_Comm
    /// The ranks of this machine (`MPI_Comm_split_type` shared), for shared-memory windows.
    private let nodeComm: MPI_Comm

    private init(comm: MPI_Comm, collectiveTimeout: Double?) {
        self.comm = comm
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(comm, &r)
        MPI_Comm_size(comm, &s)
        rank = Int(r)
        size = Int(s)

        var local: MPI_Comm? = cmpi_comm_null()
        MPI_Comm_split_type(comm, cmpi_comm_type_shared(), r, cmpi_info_null(), &local)
        var lr: Int32 = 0, ls: Int32 = 1
        MPI_Comm_rank(local, &lr)
        MPI_Comm_size(local, &ls)
        nodeComm = local!
        localRank = Int(lr)
        localSize = Int(ls)
        var leader = r
        MPI_Bcast(&leader, 1, cmpi_int32(), 0, local)
        machine = Int(leader)

        var name = [CChar](repeating: 0, count: Int(cmpi_max_processor_name()) + 1)
        var length: Int32 = 0
        MPI_Get_processor_name(&name, &length)
        hostName = String(cString: name)

        var version = [CChar](repeating: 0, count: Int(cmpi_max_library_version_string()) + 1)
        MPI_Get_library_version(&version, &length)
        let full = String(cString: version)
        libraryVersion = full.split(separator: ",").first.map(String.init) ?? full
        let (myRank, myHost) = (rank, hostName)
        watchdog = size > 1 ? collectiveTimeout.map { CollectiveWatchdog(seconds: $0, rank: myRank, hostName: myHost) } : nil
    }

    private nonisolated(unsafe) static var shared: MPICommunicator?

    /// Initialises MPI (thread level FUNNELED) once and returns the world communicator.
    /// `collectiveTimeout` (seconds; default `N2D_COLLECTIVE_TIMEOUT`, else none) arms a
    /// `CollectiveWatchdog` on every collective when there are several ranks.
    public static func initialize(collectiveTimeout: Double? = CollectiveWatchdog.environmentSeconds) -> MPICommunicator {
        if let shared { return shared }
        var provided: Int32 = 0
        MPI_Init_thread(nil, nil, cmpi_thread_funneled(), &provided)
        let world = MPICommunicator(comm: cmpi_comm_world(), collectiveTimeout: collectiveTimeout)
        shared = world
        return world
    }

    /// Finalises MPI. Every rank must call it; no collective may follow.
    public func finalize() {
        MPI_Finalize()
        MPICommunicator.shared = nil
    }

    public func barrier() { _ = watched("MPI_Barrier") { MPI_Barrier(comm) } }

    /// `MPI_Comm_split` (key: this rank). The sub-communicator lives until `MPI_Finalize`.
    public func subset(including: Bool) -> Communicator? {
        var sub: MPI_Comm? = cmpi_comm_null()
        _ = watched("MPI_Comm_split") { MPI_Comm_split(comm, including ? 0 : cmpi_undefined(), Int32(rank), &sub) }
        guard including, let sub else { return nil }
        return MPICommunicator(comm: sub, collectiveTimeout: watchdog?.seconds)
    }

    public func broadcast<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, root: Int) {
        _ = watched("MPI_Bcast") {
            MPI_Bcast(buffer.baseAddress, mpiCount(buffer.count), datatype(T.self), Int32(root), comm)
        }
    }

    public func allreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) {
        guard buffer.count > 0 else { return }
        _ = watched("MPI_Allreduce") {
            MPI_Allreduce(cmpi_in_place(), buffer.baseAddress, mpiCount(buffer.count), datatype(T.self), mpiOp(op), comm)
        }
    }

    public func startAllreduce<T: CollectiveScalar>(_ buffer: UnsafeMutableBufferPointer<T>, op: ReduceOp) -> PendingCollective {
        let pending = MPIPendingCollective()
        MPI_Iallreduce(cmpi_in_place(), buffer.baseAddress, mpiCount(buffer.count), datatype(T.self), mpiOp(op), comm,
                       &pending.request)
        pending.watchdog = watchdog
        return pending
    }

    public func allgatherv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>, counts: [Int]) {
        let (c, d) = countsAndDisplacements(counts, capacity: recv.count)
        precondition(send.count == counts[rank], "allgatherv: rank \(rank) sends \(send.count), counts say \(counts[rank])")
        _ = watched("MPI_Allgatherv") {
            MPI_Allgatherv(send.baseAddress, mpiCount(send.count), datatype(T.self), recv.baseAddress, c, d, datatype(T.self), comm)
        }
    }

    public func gatherv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, into recv: UnsafeMutableBufferPointer<T>?, counts: [Int], root: Int) {
        precondition(send.count == counts[rank], "gatherv: rank \(rank) sends \(send.count), counts say \(counts[rank])")
        let (c, d) = countsAndDisplacements(counts, capacity: rank == root ? (recv?.count ?? 0) : Int.max)
        _ = watched("MPI_Gatherv") {
            MPI_Gatherv(send.baseAddress, mpiCount(send.count), datatype(T.self), recv?.baseAddress, c, d, datatype(T.self),
                Int32(root), comm)
        }
    }

    public func scatterv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>?, counts: [Int], into recv: UnsafeMutableBufferPointer<T>, root: Int) {
        precondition(recv.count >= counts[rank], "scatterv: receive buffer too small")
        let (c, d) = countsAndDisplacements(counts, capacity: rank == root ? (send?.count ?? 0) : Int.max)
        _ = watched("MPI_Scatterv") {
            MPI_Scatterv(send?.baseAddress, c, d, datatype(T.self), recv.baseAddress, mpiCount(counts[rank]), datatype(T.self),
                Int32(root), comm)
        }
    }

    public func alltoallv<T: CollectiveScalar>(_ send: UnsafeBufferPointer<T>, sendCounts: [Int],
                                               into recv: UnsafeMutableBufferPointer<T>, recvCounts: [Int]) {
        let (sc, sd) = countsAndDisplacements(sendCounts, capacity: send.count)
        let (rc, rd) = countsAndDisplacements(recvCounts, capacity: recv.count)
        _ = watched("MPI_Alltoallv") {
            MPI_Alltoallv(send.baseAddress, sc, sd, datatype(T.self), recv.baseAddress, rc, rd, datatype(T.self), comm)
        }
    }

    /// One `MPI_Win_allocate_shared` window over this machine's ranks: local rank 0 holds all of it,
    /// every rank finds its address with `MPI_Win_shared_query`. The window stays in a passive-target
    /// epoch (`MPI_Win_lock_all`) for its life, so `synchronize` is the MPI-3 separate-model idiom
    /// sync / barrier / sync.
    public func allocateShared(floats: Int) -> SharedFloats {
        var base: UnsafeMutableRawPointer?
        var window: MPI_Win?
        let bytes = localRank == 0 ? max(floats, 1) * 4 : 0
        _ = watched("MPI_Win_allocate_shared") {
            MPI_Win_allocate_shared(MPI_Aint(bytes), 4, cmpi_info_null(), nodeComm, &base, &window)
        }
        var size: MPI_Aint = 0
        var unit: Int32 = 0
        MPI_Win_shared_query(window, 0, &size, &unit, &base)
        precondition(base != nil && Int(size) >= max(floats, 1) * 4, "MPI_Win_shared_query: no shared block of \(floats) floats")
        MPI_Win_lock_all(cmpi_mode_nocheck(), window)
        let pointer = base!.bindMemory(to: Float.self, capacity: max(floats, 1))
        if localRank == 0 { pointer.initialize(repeating: 0, count: max(floats, 1)) }
        let node = nodeComm
        let sync = { [weak self] in
            MPI_Win_sync(window)
            _ = self?.watched("MPI_Barrier (node)") { MPI_Barrier(node) }
            MPI_Win_sync(window)
        }
        sync()
        return SharedFloats(pointer: pointer, count: floats, barrier: sync, fence: { MPI_Win_sync(window) }, release: {
            MPI_Win_unlock_all(window)
            MPI_Win_free(&window)
        })
    }

    public func abort(message: String, code: Int32) -> Never {
        writeStandardError(message)
        MPI_Abort(comm, code)
        exit(code)
    }

    @inline(__always)
    private func watched<R>(_ operation: StaticString, _ body: () -> R) -> R {
        guard let watchdog else { return body() }
        return watchdog.watch(operation, body)
    }

    private func countsAndDisplacements(_ counts: [Int], capacity: Int) -> ([Int32], [Int32]) {
        precondition(counts.count == size, "collective needs one count per rank (\(size)), got \(counts.count)")
        var displacements = [Int32](repeating: 0, count: size)
        var total = 0
        for r in 0..<size {
            displacements[r] = mpiCount(total)
            total += counts[r]
        }
        precondition(total <= capacity, "collective buffer holds \(capacity) elements, counts need \(total)")
        _ = mpiCount(total)
        return (counts.map(mpiCount), displacements)
    }
}

/// An `MPI_Request` to complete.
final class MPIPendingCollective: PendingCollective {
    var request: MPI_Request? = cmpi_request_null()
    var watchdog: CollectiveWatchdog?
    func wait() {
        guard let watchdog else { MPI_Wait(&request, cmpi_status_ignore()); return }
        _ = watchdog.watch("MPI_Wait (allreduce)") { MPI_Wait(&request, cmpi_status_ignore()) }
    }
    func waitSleeping() {
        // Polls 0.1 ms after the start, then ever less often, every 10 ms at most: each wake-up
        // preempts a computing rank on an oversubscribed core (0.5 ms polls by six idle ranks slowed
        // the two computing ones by 7%), and a wait worth sleeping through is long.
        func poll() {
            var done: Int32 = 0
            var pause: UInt32 = 100
            while MPI_Test(&request, &done, cmpi_status_ignore()) == 0, done == 0 {
                usleep(pause)
                pause = min(2 * pause, 10_000)
            }
        }
        guard let watchdog else { poll(); return }
        watchdog.watch("MPI_Test (waiting for a collective)") { poll() }
    }
}

private func mpiCount(_ n: Int) -> Int32 {
    precondition(n >= 0 && n <= Int(Int32.max), "an MPI message of \(n) elements exceeds MPI's 32-bit count")
    return Int32(n)
}

private func datatype<T: CollectiveScalar>(_ type: T.Type) -> MPI_Datatype? {
    switch T.kind {
    case .float: return cmpi_float()
    case .double: return cmpi_double()
    case .int32: return cmpi_int32()
    case .int64: return cmpi_int64()
    case .byte: return cmpi_byte()
    }
}

private func mpiOp(_ op: ReduceOp) -> MPI_Op? {
    switch op {
    case .sum: return cmpi_op_sum()
    case .max: return cmpi_op_max()
    case .min: return cmpi_op_min()
    }
}
