import CKernels

/// Cache hints for memory a loop will read a few steps later (Swift has no prefetch of its own).
/// A hint never faults and changes no result; the UMAP layout and NN-descent give one for the
/// randomly chosen rows they read next, so that those cache misses overlap.
public enum Prefetch {
    /// Hints the cache lines of `count` consecutive values from `start` (its first and last line; a
    /// row of up to 16 floats spans at most two).
    @inlinable @inline(__always)
    public static func span<T>(_ start: UnsafePointer<T>, count: Int) {
        ck_prefetch(start)
        ck_prefetch(start + (count - 1))
    }
}
