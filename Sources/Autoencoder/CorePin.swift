import CSystem

/// Pins the calling thread to one of the cores it may run on, until `restore()`.
///
/// With pooled batches the computing ranks of an oversubscribed machine must not share a core: the
/// lending ranks wait in the collectives by polling, so they are always runnable, and the scheduler's
/// balancing by run-queue length may leave two computing ranks on one core for a whole run (measured:
/// the same np 8 run took 32 or 60 ms per step). Computing local rank j takes the j-th allowed core.
final class CorePin {
    private let saved: [UInt8]

    /// Pins to the `index`-th (mod their count) core of the calling thread's allowed set; nil when the
    /// set cannot be read or changed (then nothing changes).
    init?(index: Int) {
        var mask = [UInt8](repeating: 0, count: Int(csys_affinity_bytes()))
        guard csys_pin_to_nth_cpu(Int32(index), &mask) == 0 else { return nil }
        saved = mask
    }

    /// Gives the thread back the cores it had.
    func restore() { _ = csys_restore_cpus(saved) }
}
