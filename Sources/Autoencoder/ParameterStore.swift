import Collectives

/// Where the parameters and Adam's moments live while training: this rank's own buffers, or — on the
/// shared path — one block per machine that every rank of it maps (`Communicator.allocateShared`),
/// laid out as parameters, first moments, second moments.
final class ParameterStore {
    let parameters: FloatBuffer
    let firstMoments: FloatBuffer
    let secondMoments: FloatBuffer
    /// The part of every split piece of work this rank does: its local rank's slice when shared, else all.
    let share: WorkShare
    private let block: SharedFloats?

    /// Holds `initial` parameters and `moments` (zero when nil), shared by the ranks of each machine of
    /// `communicator` when one is given (a collective), else private. Shared, the work is split over
    /// the machine's first `computeRanks` local ranks (nil: all of them).
    init(initial: [Float], moments: (m: [Float], v: [Float])?, sharedOn communicator: Communicator?, computeRanks: Int? = nil) {
        let count = initial.count
        guard let communicator else {
            parameters = FloatBuffer(initial)
            firstMoments = moments.map { FloatBuffer($0.m) } ?? FloatBuffer(count: count)
            secondMoments = moments.map { FloatBuffer($0.v) } ?? FloatBuffer(count: count)
            share = .whole
            block = nil
            return
        }
        let block = communicator.allocateShared(floats: 3 * count)
        let views = (0..<3).map { FloatBuffer(borrowing: block.pointer + $0 * count, count: count, owner: block) }
        if communicator.localRank == 0 {
            views[0].pointer.update(from: initial, count: count)
            if let moments {
                views[1].pointer.update(from: moments.m, count: count)
                views[2].pointer.update(from: moments.v, count: count)
            }
        }
        block.synchronize()
        (parameters, firstMoments, secondMoments) = (views[0], views[1], views[2])
        share = WorkShare(index: communicator.localRank, count: computeRanks ?? communicator.localSize)
        self.block = block
    }

    /// On the shared path: waits for every rank of this machine and makes their writes visible (collective).
    func synchronize() { block?.synchronize() }

    /// On the shared path: orders this rank's accesses, to pair with a collective (`SharedFloats.fence`).
    func fence() { block?.fence() }

    /// Releases the shared block (collective over the machine's ranks; nothing for private buffers).
    func free() { block?.free() }
}
