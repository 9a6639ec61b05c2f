/// Which items of a split piece of work this rank does: item k belongs to `index` when
/// `k % count == index` (interleaved, so items of uneven cost spread evenly). `whole` does everything;
/// an `index` of `count` or more does nothing (a rank that only lends its rows, see `BatchPool`).
struct WorkShare: Equatable {
    let index: Int
    let count: Int

    static let whole = WorkShare(index: 0, count: 1)

    @inline(__always)
    func owns(_ item: Int) -> Bool { item % count == index }
}
