/// A quadtree over 2-d points for the Barnes-Hut repulsion of t-SNE (van der Maaten 2014, as
/// scikit-learn's `_QuadTree`): each cell keeps its point count and barycentre; a cell whose largest
/// squared side w² over the squared distance d² from the query to its barycentre is below θ² stands
/// for all its points. Leaves hold one point, or several that coincide (to 1e-12 of the box).
///
/// The tree depends only on the positions (built sequentially, children in quadrant order), so every
/// rank that builds it from the same positions gets the same tree and the same forces.
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
    /// The point indices, grouped by cell, and their coordinates in the same order.
    public private(set) var order: [Int32]
    var orderedX: [Double] = [], orderedY: [Double] = []
    /// Scratch of the partition.
    private var placed: [Int32]
    private var quadrants: [UInt8]
    let x: [Double], y: [Double]

    /// The deepest a cell may lie (below, its points form one leaf); bounds the traversal's stack.
    static let maxDepth = 64

    /// The tree of `positions` (x0, y0, x1, y1, …).
    public init(positions: [Float]) {
        let n = positions.count / 2
        x = (0..<n).map { Double(positions[2 * $0]) }
        y = (0..<n).map { Double(positions[2 * $0 + 1]) }
        order = (0..<n).map(Int32.init)
        placed = order
        quadrants = [UInt8](repeating: 0, count: n)
        guard n > 0 else { return }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, x[i]); maxX = max(maxX, x[i])
            minY = min(minY, y[i]); maxY = max(maxY, y[i])
        }
        // A box a little larger than the points, so that none lies on its far edge.
        let padX = max((maxX - minX) * 1e-3, 1e-12), padY = max((maxY - minY) * 1e-3, 1e-12)
        let extent = max(maxX - minX, maxY - minY, 1e-300)
        cellList.reserveCapacity(2 * n + 8)
        cellList.append(Cell())
        fill(cell: 0, start: 0, end: n, box: (minX - padX, minY - padY, maxX + padX, maxY + padY),
             tiny: extent * 1e-12, depth: 0)
        orderedX = order.map { x[Int($0)] }
        orderedY = order.map { y[Int($0)] }
    }

    /// The number of cells.
    public var cells: Int { cellList.count }

    private mutating func fill(cell: Int, start: Int, end: Int, box: (Double, Double, Double, Double), tiny: Double, depth: Int) {
        var sx = 0.0, sy = 0.0
        var loX = Double.infinity, loY = Double.infinity, hiX = -Double.infinity, hiY = -Double.infinity
        for s in start..<end {
            let p = Int(order[s])
            sx += x[p]; sy += y[p]
            loX = min(loX, x[p]); hiX = max(hiX, x[p]); loY = min(loY, y[p]); hiY = max(hiY, y[p])
        }
        let m = Double(end - start)
        let wx = box.2 - box.0, wy = box.3 - box.1
        cellList[cell].cx = sx / m
        cellList[cell].cy = sy / m
        cellList[cell].count = Int32(end - start)
        cellList[cell].widthSquared = max(wx * wx, wy * wy)
        cellList[cell].start = Int32(start)
        cellList[cell].end = Int32(end)
        if end - start == 1 || (hiX - loX <= tiny && hiY - loY <= tiny) || depth >= Self.maxDepth { return }
        // Partition the cell's points into its four quadrants (order: SW, SE, NW, NE), stably.
        let midX = (box.0 + box.2) / 2, midY = (box.1 + box.3) / 2
        var c0 = 0, c1 = 0, c2 = 0, c3 = 0
        for s in start..<end {
            let p = Int(order[s])
            let q = (x[p] >= midX ? 1 : 0) + (y[p] >= midY ? 2 : 0)
            quadrants[s] = UInt8(q)
            switch q {
            case 0: c0 += 1
            case 1: c1 += 1
            case 2: c2 += 1
            default: c3 += 1
            }
        }
        let b0 = start, b1 = b0 + c0, b2 = b1 + c1, b3 = b2 + c2
        var n0 = b0, n1 = b1, n2 = b2, n3 = b3
        for s in start..<end {
            let p = order[s]
            switch quadrants[s] {
            case 0: placed[n0] = p; n0 += 1
            case 1: placed[n1] = p; n1 += 1
            case 2: placed[n2] = p; n2 += 1
            default: placed[n3] = p; n3 += 1
            }
        }
        for s in start..<end { order[s] = placed[s] }
        let children = (c0 > 0 ? 1 : 0) + (c1 > 0 ? 1 : 0) + (c2 > 0 ? 1 : 0) + (c3 > 0 ? 1 : 0)
        let first = cells
        cellList[cell].firstChild = Int32(first)
        cellList[cell].childCount = Int32(children)
        for _ in 0..<children { cellList.append(Cell()) }
        var child = first
        if c0 > 0 {
            fill(cell: child, start: b0, end: b0 + c0, box: (box.0, box.1, midX, midY), tiny: tiny, depth: depth + 1)
            child += 1
        }
        if c1 > 0 {
            fill(cell: child, start: b1, end: b1 + c1, box: (midX, box.1, box.2, midY), tiny: tiny, depth: depth + 1)
            child += 1
        }
        if c2 > 0 {
            fill(cell: child, start: b2, end: b2 + c2, box: (box.0, midY, midX, box.3), tiny: tiny, depth: depth + 1)
            child += 1
        }
        if c3 > 0 {
            fill(cell: child, start: b3, end: b3 + c3, box: (midX, midY, box.2, box.3), tiny: tiny, depth: depth + 1)
        }
    }

    /// The repulsion on point `i`: (Σ_j q²_ij·(y_i − y_j), Σ_j q_ij) with q_ij = 1 / (1 + ‖y_i − y_j‖²)
    /// unnormalised, over every j ≠ i, cells standing for their points where w²/d² < θ².
    public func repulsion(of i: Int, thetaSquared: Double) -> (fx: Double, fy: Double, z: Double) {
        guard !cellList.isEmpty else { return (0, 0, 0) }
        let px = x[i], py = y[i], me = Int32(i)
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
