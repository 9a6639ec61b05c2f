/// A quadtree over 2-d points for the Barnes-Hut repulsion of t-SNE (van der Maaten 2014, as
/// scikit-learn's `_QuadTree`): each cell keeps its point count and barycentre; a cell whose largest
/// squared side w² over the squared distance d² from the query to its barycentre is below θ² stands
/// for all its points. Cells halve the points' box (padded by 1e-3) down to 32 levels; a leaf holds
/// one point, or the points that share a cell at depth 32 or coincide, each summed exactly.
///
/// Built from the points' Morton codes (32 bits per axis, interleaved), sorted by a stable radix
/// sort: every cell is a run of the sorted points, its children found by bisection, its barycentre
/// summed from its children's. The tree depends only on the positions, so every rank that builds it
/// from the same positions gets the same tree and the same forces.
public struct BarnesHutTree {
    /// One cell: barycentre, largest squared side, point count, first child (−1 for a leaf), and the
    /// range of `order` holding its points (the children of a cell are consecutive cells).
    struct Cell {
        var cx = 0.0, cy = 0.0, widthSquared = 0.0
        var count: Int32 = 0
        var firstChild: Int32 = -1
        var childCount: Int32 = 0
        var start: Int32 = 0, end: Int32 = 0
    }

    var cellList: [Cell] = []
    /// The point indices in Morton (Z) order, which groups them by cell, and their coordinates in the
    /// same order.
    public private(set) var order: [Int32]
    var orderedX: [Double] = [], orderedY: [Double] = []
    /// Every point's coordinates by index.
    var queryX: [Double] = [], queryY: [Double] = []
    /// Each ordered point's Morton code: 32 bits of x and of y in the box, interleaved (x in the even bits).
    private var codes: [UInt64] = []

    /// The deepest a cell may lie (32 bits per axis; below, its points form one leaf); bounds the
    /// traversal's stack.
    static let maxDepth = 32

    /// The tree of `positions` (x0, y0, x1, y1, …).
    public init(positions: [Float]) {
        let n = positions.count / 2
        order = (0..<n).map(Int32.init)
        queryX = (0..<n).map { Double(positions[2 * $0]) }
        queryY = (0..<n).map { Double(positions[2 * $0 + 1]) }
        guard n > 0 else { return }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            let x = Double(positions[2 * i]), y = Double(positions[2 * i + 1])
            minX = min(minX, x); maxX = max(maxX, x)
            minY = min(minY, y); maxY = max(maxY, y)
        }
        // A box a little larger than the points, so that none lies on its far edge.
        let padX = max((maxX - minX) * 1e-3, 1e-12), padY = max((maxY - minY) * 1e-3, 1e-12)
        let box = (minX - padX, minY - padY, maxX + padX, maxY + padY)
        let wx = box.2 - box.0, wy = box.3 - box.1
        let cellsPerAxis = 4_294_967_296.0 // 2^32
        var keyed = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let qx = UInt64(min(max((Double(positions[2 * i]) - box.0) / wx * cellsPerAxis, 0), cellsPerAxis - 1))
            let qy = UInt64(min(max((Double(positions[2 * i + 1]) - box.1) / wy * cellsPerAxis, 0), cellsPerAxis - 1))
            keyed[i] = Self.spread(qx) | Self.spread(qy) << 1
        }
        // Stable LSD radix sort by code, 8 bits a pass: equal codes keep the index order.
        var ids = order, spare = order
        var keys = keyed, spareKeys = keyed
        var counts = [Int](repeating: 0, count: 257)
        for pass in 0..<8 {
            let shift = UInt64(8 * pass)
            for c in 0..<257 { counts[c] = 0 }
            for e in 0..<n { counts[Int((keys[e] >> shift) & 255) + 1] += 1 }
            if counts[1...].contains(n) { continue } // every key has the same byte: nothing moves
            for c in 0..<256 { counts[c + 1] += counts[c] }
            for e in 0..<n {
                let b = Int((keys[e] >> shift) & 255)
                spare[counts[b]] = ids[e]
                spareKeys[counts[b]] = keys[e]
                counts[b] += 1
            }
            swap(&ids, &spare)
            swap(&keys, &spareKeys)
        }
        order = ids
        codes = keys
        orderedX = order.map { Double(positions[2 * Int($0)]) }
        orderedY = order.map { Double(positions[2 * Int($0) + 1]) }
        cellList.reserveCapacity(2 * n + 8)
        cellList.append(Cell())
        _ = fill(cell: 0, start: 0, end: n, depth: 0, width: (wx, wy))
        codes = []
    }

    /// The bits of a 32-bit value moved to the even positions of a 64-bit one.
    @inline(__always) static func spread(_ value: UInt64) -> UInt64 {
        var v = value & 0xFFFF_FFFF
        v = (v | v << 16) & 0x0000_FFFF_0000_FFFF
        v = (v | v << 8) & 0x00FF_00FF_00FF_00FF
        v = (v | v << 4) & 0x0F0F_0F0F_0F0F_0F0F
        v = (v | v << 2) & 0x3333_3333_3333_3333
        v = (v | v << 1) & 0x5555_5555_5555_5555
        return v
    }

    /// The number of cells.
    public var cells: Int { cellList.count }

    /// Fills `cell`, the points `start..<end` of `order` at `depth` (sides `width`), and its subtree;
    /// returns the sums of its points' coordinates.
    private mutating func fill(cell: Int, start: Int, end: Int, depth: Int, width: (Double, Double)) -> (Double, Double) {
        cellList[cell].count = Int32(end - start)
        cellList[cell].widthSquared = max(width.0 * width.0, width.1 * width.1)
        cellList[cell].start = Int32(start)
        cellList[cell].end = Int32(end)
        var sx = 0.0, sy = 0.0
        if end - start == 1 || depth >= Self.maxDepth || codes[start] == codes[end - 1] {
            for s in start..<end { sx += orderedX[s]; sy += orderedY[s] }
        } else {
            // The children: the runs of equal quadrant bits at this depth (SW, SE, NW, NE), found by
            // bisection in the sorted codes.
            let shift = UInt64(62 - 2 * depth)
            var bounds = (start, start, start, start, end)
            func firstAtLeast(_ q: UInt64, from: Int) -> Int {
                var lo = from, hi = end
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if (codes[mid] >> shift) & 3 < q { lo = mid + 1 } else { hi = mid }
                }
                return lo
            }
            bounds.1 = firstAtLeast(1, from: start)
            bounds.2 = firstAtLeast(2, from: bounds.1)
            bounds.3 = firstAtLeast(3, from: bounds.2)
            func edge(_ q: Int) -> Int {
                switch q { case 0: return bounds.0; case 1: return bounds.1; case 2: return bounds.2; case 3: return bounds.3; default: return bounds.4 }
            }
            var children = 0
            for q in 0..<4 where edge(q + 1) > edge(q) { children += 1 }
            let first = cells
            cellList[cell].firstChild = Int32(first)
            cellList[cell].childCount = Int32(children)
            for _ in 0..<children { cellList.append(Cell()) }
            var child = first
            for q in 0..<4 where edge(q + 1) > edge(q) {
                let sums = fill(cell: child, start: edge(q), end: edge(q + 1), depth: depth + 1, width: (width.0 / 2, width.1 / 2))
                sx += sums.0
                sy += sums.1
                child += 1
            }
        }
        let m = Double(end - start)
        cellList[cell].cx = sx / m
        cellList[cell].cy = sy / m
        return (sx, sy)
    }

    /// The repulsion on point `i`: (Σ_j q²_ij·(y_i − y_j), Σ_j q_ij) with q_ij = 1 / (1 + ‖y_i − y_j‖²)
    /// unnormalised, over every j ≠ i, cells standing for their points where w²/d² < θ².
    public func repulsion(of i: Int, thetaSquared: Double) -> (fx: Double, fy: Double, z: Double) {
        guard !cellList.isEmpty else { return (0, 0, 0) }
        let px = queryX[i], py = queryY[i], me = Int32(i)
        var fx = 0.0, fy = 0.0, z = 0.0
        // Depth-first; at most 3 pending siblings per level plus the 4 children of the deepest.
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 3 * Self.maxDepth + 8) { stack in
            cellList.withUnsafeBufferPointer { cellBuffer in
                order.withUnsafeBufferPointer { orderBuffer in
                    orderedX.withUnsafeBufferPointer { xb in
                        orderedY.withUnsafeBufferPointer { yb in
                            let cells = cellBuffer.baseAddress!, ids = orderBuffer.baseAddress!
                            let ox = xb.baseAddress!, oy = yb.baseAddress!
                            var top = 1
                            stack[0] = 0
                            while top > 0 {
                                top -= 1
                                let cell = cells[Int(stack[top])]
                                if cell.firstChild < 0 {
                                    // A leaf: its points one by one, the query itself left out.
                                    for s in Int(cell.start)..<Int(cell.end) where ids[s] != me {
                                        let ex = px - ox[s], ey = py - oy[s]
                                        let q = 1 / (1 + ex * ex + ey * ey)
                                        z += q
                                        fx += q * q * ex
                                        fy += q * q * ey
                                    }
                                    continue
                                }
                                let dx = px - cell.cx, dy = py - cell.cy
                                let d2 = dx * dx + dy * dy
                                if cell.widthSquared < thetaSquared * d2 {
                                    let size = Double(cell.count)
                                    let q = 1 / (1 + d2)
                                    z += size * q
                                    let m = size * q * q
                                    fx += m * dx
                                    fy += m * dy
                                } else {
                                    var child = cell.firstChild + cell.childCount - 1
                                    while child >= cell.firstChild {
                                        stack[top] = child
                                        top += 1
                                        child -= 1
                                    }
                                }
                            }
                            return (fx, fy, z)
                        }
                    }
                }
            }
        }
    }

    /// The same sum over every j ≠ i exactly, O(N) (for tests).
    public static func exactRepulsion(of i: Int, positions: [Float]) -> (fx: Double, fy: Double, z: Double) {
        let n = positions.count / 2
        let px = Double(positions[2 * i]), py = Double(positions[2 * i + 1])
        var fx = 0.0, fy = 0.0, z = 0.0
        for j in 0..<n where j != i {
            let ex = px - Double(positions[2 * j]), ey = py - Double(positions[2 * j + 1])
            let q = 1 / (1 + ex * ex + ey * ey)
            z += q
            fx += q * q * ex
            fy += q * q * ey
        }
        return (fx, fy, z)
    }
}
