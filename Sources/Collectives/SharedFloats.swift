/// One block of `Float`s that every rank of a machine sees at the same memory (an MPI-3 shared-memory
/// window over the machine's ranks; plain memory for a single process). Created by
/// `Communicator.allocateShared(floats:)`, a collective over all ranks.
///
/// Ranks write disjoint parts and call `synchronize()` (every rank of the machine, collectively)
/// before reading what others wrote. `free()` is collective too: every rank of the machine must call
/// it at the same point of the program, before MPI is finalised.
public final class SharedFloats {
    /// The first element; the same memory on every rank of this machine (64-byte aligned or better).
    public let pointer: UnsafeMutablePointer<Float>
    public let count: Int
    private let barrier: () -> Void
    private let memoryFence: () -> Void
    private var release: (() -> Void)?

    init(pointer: UnsafeMutablePointer<Float>, count: Int, barrier: @escaping () -> Void, fence: @escaping () -> Void,
         release: @escaping () -> Void) {
        self.pointer = pointer
        self.count = count
        self.barrier = barrier
        memoryFence = fence
        self.release = release
    }

    /// Returns when every rank of this machine has called it; writes any of them made to the block
    /// before the call are visible to all after it (MPI_Win_sync, node barrier, MPI_Win_sync).
    public func synchronize() { barrier() }

    /// Orders this rank's accesses to the block without waiting for anyone (MPI_Win_sync). With a
    /// collective that every rank of the machine enters after its accesses (an allgather of data they
    /// produced after them), a fence before and after it on each rank does what `synchronize` does.
    public func fence() { memoryFence() }

    /// Releases the block (collective over the machine's ranks); later calls do nothing.
    public func free() {
        release?()
        release = nil
    }

    /// A safety net only: relying on it makes the collective free happen wherever ARC drops the last
    /// reference, which may differ between ranks. Call `free()` explicitly.
    deinit { free() }
}
