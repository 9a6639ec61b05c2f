import LinearAlgebra

/// A kd-tree over the rows of a matrix, for radius and nearest-neighbour queries in the few (2–20)
/// dimensions of a UMAP embedding. Leaves hold up to `leafSize` points; each node splits its widest
/// side at the median. Points are copied in tree order so that a node's points are contiguous, and
/// every node keeps its bounding box, so a query can count or accept a whole node that lies inside
/// the ball without visiting its points. Distances are Euclidean; a point at exactly the radius is
/// inside (as scikit-learn's `radius_neighbors`). Immutable after construction: queries may run
/// concurrently.
public final class KDTree {
    /// The dimension of the points.
    public let dims: Int
    /// The number of points.
    public let count: Int
    /// Coordinates in tree order (`count × dims`).
    let points: UnsafeMutablePointer<Float>
    /// `order[p]` is the caller's index of the point at tree position `p`.
    let order: UnsafeMutablePointer<Int>
    /// Per node: first and one-past-last tree position, and children (-1 for a leaf).
    let nodeStart: [Int], nodeEnd: [Int], nodeLeft: [Int], nodeRight: [Int]
    /// Per node: lower and upper corner of the bounding box (`nodes × dims`).
    let lower: [Float], upper: [Float]

    /// A tree over the rows of `matrix`, or only over `rows` when given (query results then carry
    /// those row numbers).
    public init(_ matrix: Matrix, rows: [Int]? = nil, leafSize: Int = 16) {
        let dims = matrix.cols
        let selected = rows ?? Array(0..<matrix.rows)
        let count = selected.count
        let points = UnsafeMutablePointer<Float>.allocate(capacity: max(1, count * dims))
        let order = UnsafeMutablePointer<Int>.allocate(capacity: max(1, count))
        order.initialize(from: selected, count: count)
        var builder = Builder(dims: dims, order: order, leafSize: max(1, leafSize))
        matrix.storage.withUnsafeBufferPointer { source in
            if count > 0 { builder.build(source.baseAddress!, 0..<count) }
            for p in 0..<count {
                (points + p * dims).update(from: source.baseAddress! + order[p] * dims, count: dims)
            }
        }
        self.dims = dims
        self.count = count
        self.points = points
        self.order = order
        nodeStart = builder.start; nodeEnd = builder.end; nodeLeft = builder.left; nodeRight = builder.right
        lower = builder.lower; upper = builder.upper
    }

    deinit {
        points.deallocate()
        order.deallocate()
    }

    /// Grows the node arrays while reordering `order` so that every node's points are contiguous.
    private struct Builder {
        let dims: Int
        let order: UnsafeMutablePointer<Int>
        let leafSize: Int
        var start: [Int] = [], end: [Int] = [], left: [Int] = [], right: [Int] = []
        var lower: [Float] = [], upper: [Float] = []

        /// Builds the node for `range` of `order` and returns its number.
        @discardableResult
        mutating func build(_ source: UnsafePointer<Float>, _ range: Range<Int>) -> Int {
            let node = start.count
            start.append(range.lowerBound); end.append(range.upperBound)
            left.append(-1); right.append(-1)
            var lo = [Float](repeating: .infinity, count: dims), hi = [Float](repeating: -.infinity, count: dims)
            for p in range {
                let row = source + order[p] * dims
                for j in 0..<dims { lo[j] = min(lo[j], row[j]); hi[j] = max(hi[j], row[j]) }
            }
            lower += lo; upper += hi
            guard range.count > leafSize else { return node }
            var axis = 0
            for j in 1..<dims where hi[j] - lo[j] > hi[axis] - lo[axis] { axis = j }
            guard hi[axis] > lo[axis] else { return node }   // all points equal: one leaf
            let middle = range.lowerBound + range.count / 2
            select(source, axis: axis, range, nth: middle)
            let l = build(source, range.lowerBound..<middle)
            let r = build(source, middle..<range.upperBound)
            left[node] = l; right[node] = r
            return node
        }

        /// Quickselect on `order[range]` by coordinate `axis`: afterwards no point before `nth` has a
        /// larger coordinate than any point from `nth` on.
        private func select(_ source: UnsafePointer<Float>, axis: Int, _ range: Range<Int>, nth: Int) {
            var lo = range.lowerBound, hi = range.upperBound - 1
            func key(_ p: Int) -> Float { source[order[p] * dims + axis] }
            while lo < hi {
                let pivot = key((lo + hi) / 2)
                var i = lo, j = hi
                while i <= j {
                    while key(i) < pivot { i += 1 }
                    while key(j) > pivot { j -= 1 }
                    if i <= j { (order[i], order[j]) = (order[j], order[i]); i += 1; j -= 1 }
                }
                if nth <= j { hi = j } else if nth >= i { lo = i } else { return }
            }
        }
    }

    /// Squared distance from `query` to the nearest and to the farthest point of node's box.
    @inline(__always)
    func boxDistances(_ node: Int, _ query: UnsafePointer<Float>) -> (near: Float, far: Float) {
        var near: Float = 0, far: Float = 0
        let base = node * dims
        lower.withUnsafeBufferPointer { lo in
            upper.withUnsafeBufferPointer { hi in
                for j in 0..<dims {
                    let a = lo[base + j] - query[j], b = query[j] - hi[base + j]
                    let outside = max(0, max(a, b))
                    near += outside * outside
                    let span = max(abs(a), abs(b))
                    far += span * span
                }
            }
        }
        return (near, far)
    }

    @inline(__always)
    func squaredDistance(_ position: Int, _ query: UnsafePointer<Float>) -> Float {
        let row = points + position * dims
        var sum: Float = 0
        for j in 0..<dims { let d = row[j] - query[j]; sum += d * d }
        return sum
    }

    /// Walks the nodes under `root` that meet the ball of squared radius `radius2` around `query`:
    /// `whole(node)` for a node inside the ball, `point(position)` for each point inside the ball in
    /// the other nodes' leaves (positions are tree positions; `order[position]` is the caller's
    /// index). A node for which `skip(node)` is true is passed over. Either callback returns false to
    /// end the walk; `visit` then returns false.
    @inline(__always) @discardableResult
    func visit(from root: Int = 0, within radius2: Float, of query: UnsafePointer<Float>,
               skip: (Int) -> Bool = { _ in false }, whole: (Int) -> Bool, point: (Int) -> Bool) -> Bool {
        guard root < nodeStart.count else { return true }   // an empty tree
        var stack: [Int] = [root]
        stack.reserveCapacity(64)
        while let node = stack.popLast() {
            if skip(node) { continue }
            let (near, far) = boxDistances(node, query)
            if near > radius2 { continue }
            if far <= radius2 {
                if !whole(node) { return false }
                continue
            }
            if nodeLeft[node] >= 0 {
                stack.append(nodeRight[node]); stack.append(nodeLeft[node])
            } else {
                for p in nodeStart[node]..<nodeEnd[node] where squaredDistance(p, query) <= radius2 {
                    if !point(p) { return false }
                }
            }
        }
        return true
    }

    /// How many points lie within `radius` of `query` (the query itself counts when it is a point of
    /// the tree).
    public func count(within radius: Float, of query: UnsafePointer<Float>) -> Int {
        guard count > 0 else { return 0 }
        var total = 0
        visit(within: radius * radius, of: query,
              whole: { total += nodeEnd[$0] - nodeStart[$0]; return true }, point: { _ in total += 1; return true })
        return total
    }

    /// Whether at least `needed` points lie within `radius` of `query`; stops counting once they do.
    public func hasAtLeast(_ needed: Int, within radius: Float, of query: UnsafePointer<Float>) -> Bool {
        guard needed > 0 else { return true }
        var total = 0
        visit(within: radius * radius, of: query,
              whole: { total += nodeEnd[$0] - nodeStart[$0]; return total < needed },
              point: { _ in total += 1; return total < needed })
        return total >= needed
    }

    /// Calls `body` with the index of every point within `radius` of `query`, in no particular order.
    public func forEach(within radius: Float, of query: UnsafePointer<Float>, _ body: (Int) -> Void) {
        guard count > 0 else { return }
        visit(within: radius * radius, of: query,
              whole: { for p in nodeStart[$0]..<nodeEnd[$0] { body(order[p]) }; return true },
              point: { body(order[$0]); return true })
    }

    /// The squared length of node's bounding-box diagonal: every two of its points are at most this
    /// far apart (squared).
    func squaredDiameter(_ node: Int) -> Float {
        var sum: Float = 0
        for j in 0..<dims { let side = upper[node * dims + j] - lower[node * dims + j]; sum += side * side }
        return sum
    }

    /// The distance from `query` to its `k`-th nearest point of the tree (a point of the tree is its
    /// own first neighbour, at distance 0). `k` must be between 1 and `count`.
    public func kthNearestDistance(to query: UnsafePointer<Float>, k: Int) -> Float {
        precondition(k >= 1 && k <= count, "k must be between 1 and the number of points")
        var heap = MaxHeap(capacity: k)
        var stack: [(node: Int, near: Float)] = [(0, boxDistances(0, query).near)]
        while let (node, near) = stack.popLast() {
            if heap.isFull && near >= heap.top { continue }
            if nodeLeft[node] >= 0 {
                let l = nodeLeft[node], r = nodeRight[node]
                let dl = boxDistances(l, query).near, dr = boxDistances(r, query).near
                // Push the farther child first so the nearer one is explored first.
                if dl <= dr { stack.append((r, dr)); stack.append((l, dl)) } else { stack.append((l, dl)); stack.append((r, dr)) }
            } else {
                for p in nodeStart[node]..<nodeEnd[node] { heap.offer(squaredDistance(p, query)) }
            }
        }
        return heap.top.squareRoot()
    }
}

/// The `capacity` smallest values offered so far, largest on top.
struct MaxHeap {
    private var values: [Float] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        values.reserveCapacity(capacity)
    }

    var isFull: Bool { values.count == capacity }
    var top: Float { values.first ?? .infinity }

    mutating func offer(_ value: Float) {
        if values.count < capacity {
            values.append(value)
            var child = values.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                if values[parent] >= values[child] { break }
                values.swapAt(parent, child); child = parent
            }
        } else if value < values[0] {
            values[0] = value
            var parent = 0
            while true {
                let l = 2 * parent + 1, r = l + 1
                var largest = parent
                if l < capacity && values[l] > values[largest] { largest = l }
                if r < capacity && values[r] > values[largest] { largest = r }
                if largest == parent { break }
                values.swapAt(parent, largest); parent = largest
            }
        }
    }
}
