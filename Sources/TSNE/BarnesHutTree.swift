/// A quadtree over 2-d points for the Barnes-Hut repulsion of t-SNE (van der Maaten 2014, as
/// scikit-learn's `_QuadTree`): each cell keeps its point count and barycentre; a cell whose largest
/// squared side w² over the squared distance d² from the query to its barycentre is below θ² stands
/// for all its points. Leaves hold one point, or several that coincide (to 1e-12 of the box).
///
/// The tree depends only on the positions (built sequentially, children in quadrant order), so every
/// rank that builds it from the same positions gets the same tree and the same forces.
public struct BarnesHutTree {
    /// Per cell: barycentre, point count, largest squared side, first child (−1 for a leaf), child
    /// count, and for leaves the range of `order` holding their points.
    var centerX: [Double] = [], centerY: [Double] = []
    var count: [Int32] = []
    var widthSquared: [Double] = []
    var firstChild: [Int32] = []
    var childCount: [Int8] = []
    var leafStart: [Int32] = [], leafEnd: [Int32] = []
    /// The point indices, grouped by cell.
    var order: [Int32]
    /// Scratch of the partition.
    private var placed: [Int32]
    let x: [Double], y: [Double]

    /// The tree of `positions` (x0, y0, x1, y1, …).
    public init(positions: [Float]) {
        let n = positions.count / 2
        x = (0..<n).map { Double(positions[2 * $0]) }
        y = (0..<n).map { Double(positions[2 * $0 + 1]) }
        order = (0..<n).map(Int32.init)
        placed = order
        guard n > 0 else { return }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            minX = min(minX, x[i]); maxX = max(maxX, x[i])
            minY = min(minY, y[i]); maxY = max(maxY, y[i])
        }
        // A box a little larger than the points, so that none lies on its far edge.
        let padX = max((maxX - minX) * 1e-3, 1e-12), padY = max((maxY - minY) * 1e-3, 1e-12)
        let extent = max(maxX - minX, maxY - minY, 1e-300)
        let reserve = 2 * n + 8
        centerX.reserveCapacity(reserve); centerY.reserveCapacity(reserve); count.reserveCapacity(reserve)
        widthSquared.reserveCapacity(reserve); firstChild.reserveCapacity(reserve); childCount.reserveCapacity(reserve)
        leafStart.reserveCapacity(reserve); leafEnd.reserveCapacity(reserve)
        appendCell()
        var scratch = [Int32](repeating: 0, count: n)
        fill(cell: 0, start: 0, end: n, box: (minX - padX, minY - padY, maxX + padX, maxY + padY),
             tiny: extent * 1e-12, depth: 0, scratch: &scratch)
    }

    /// The number of cells.
    public var cells: Int { count.count }

    private mutating func appendCell() {
        centerX.append(0); centerY.append(0); count.append(0); widthSquared.append(0)
        firstChild.append(-1); childCount.append(0); leafStart.append(0); leafEnd.append(0)
    }

    private mutating func fill(cell: Int, start: Int, end: Int, box: (Double, Double, Double, Double), tiny: Double,
                               depth: Int, scratch: inout [Int32]) {
        var sx = 0.0, sy = 0.0
        var loX = Double.infinity, loY = Double.infinity, hiX = -Double.infinity, hiY = -Double.infinity
        for s in start..<end {
            let p = Int(order[s])
            sx += x[p]; sy += y[p]
            loX = min(loX, x[p]); hiX = max(hiX, x[p]); loY = min(loY, y[p]); hiY = max(hiY, y[p])
        }
        let m = Double(end - start)
        centerX[cell] = sx / m
        centerY[cell] = sy / m
        count[cell] = Int32(end - start)
        let wx = box.2 - box.0, wy = box.3 - box.1
        widthSquared[cell] = max(wx * wx, wy * wy)
        if end - start == 1 || (hiX - loX <= tiny && hiY - loY <= tiny) || depth >= 64 {
            leafStart[cell] = Int32(start)
            leafEnd[cell] = Int32(end)
            return
        }
        // Partition the cell's points into its four quadrants (order: SW, SE, NW, NE), stably.
        let midX = (box.0 + box.2) / 2, midY = (box.1 + box.3) / 2
        var c0 = 0, c1 = 0, c2 = 0, c3 = 0
        for s in start..<end {
            let p = Int(order[s])
            let q = (x[p] >= midX ? 1 : 0) + (y[p] >= midY ? 2 : 0)
            scratch[s] = Int32(q)
            switch q {
            case 0: c0 += 1
            case 1: c1 += 1
            case 2: c2 += 1
            default: c3 += 1
            }
        }
        let b0 = start, b1 = b0 + c0, b2 = b1 + c1, b3 = b2 + c2
        var n0 = b0, n1 = b1, n2 = b2, n3 = b3
        // scratch[s] holds the quadrant of order[s]; place the points in `placed`, then copy back.
        for s in start..<end {
            let p = order[s]
            switch scratch[s] {
            case 0: placed[n0] = p; n0 += 1
            case 1: placed[n1] = p; n1 += 1
            case 2: placed[n2] = p; n2 += 1
            default: placed[n3] = p; n3 += 1
            }
        }
        for s in start..<end { order[s] = placed[s] }
        let children = (c0 > 0 ? 1 : 0) + (c1 > 0 ? 1 : 0) + (c2 > 0 ? 1 : 0) + (c3 > 0 ? 1 : 0)
        let first = cells
        firstChild[cell] = Int32(first)
        childCount[cell] = Int8(children)
        for _ in 0..<children { appendCell() }
        var child = first
        if c0 > 0 {
            fill(cell: child, start: b0, end: b0 + c0, box: (box.0, box.1, midX, midY), tiny: tiny, depth: depth + 1, scratch: &scratch)
            child += 1
        }
        if c1 > 0 {
            fill(cell: child, start: b1, end: b1 + c1, box: (midX, box.1, box.2, midY), tiny: tiny, depth: depth + 1, scratch: &scratch)
            child += 1
        }
        if c2 > 0 {
            fill(cell: child, start: b2, end: b2 + c2, box: (box.0, midY, midX, box.3), tiny: tiny, depth: depth + 1, scratch: &scratch)
            child += 1
        }
        if c3 > 0 {
            fill(cell: child, start: b3, end: b3 + c3, box: (midX, midY, box.2, box.3), tiny: tiny, depth: depth + 1, scratch: &scratch)
        }
    }

    /// The repulsion on point `i`: (Σ_j q²_ij·(y_i − y_j), Σ_j q_ij) with q_ij = 1 / (1 + ‖y_i − y_j‖²)
    /// unnormalised, over every j ≠ i, cells standing for their points where w²/d² < θ².
    /// `stack` is scratch space the caller keeps between calls.
    @inline(__always)
    public func repulsion(of i: Int, thetaSquared: Double, stack: inout [Int32]) -> (fx: Double, fy: Double, z: Double) {
        guard cells > 0 else { return (0, 0, 0) }
        let px = x[i], py = y[i]
        var fx = 0.0, fy = 0.0, z = 0.0
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        return centerX.withUnsafeBufferPointer { cxb in
            centerY.withUnsafeBufferPointer { cyb in
                count.withUnsafeBufferPointer { nb in
                    widthSquared.withUnsafeBufferPointer { wb in
                        firstChild.withUnsafeBufferPointer { fb in
                            childCount.withUnsafeBufferPointer { kb in
                                order.withUnsafeBufferPointer { ob in
                                    x.withUnsafeBufferPointer { xb in
                                        y.withUnsafeBufferPointer { yb in
                                            while let top = stack.popLast() {
                                                let c = Int(top)
                                                let dx = px - cxb[c], dy = py - cyb[c]
                                                let d2 = dx * dx + dy * dy
                                                let first = Int(fb[c])
                                                if first < 0 {
                                                    // A leaf: its points one by one, the query itself left out.
                                                    for s in Int(leafStart[c])..<Int(leafEnd[c]) {
                                                        let j = Int(ob[s])
                                                        if j == i { continue }
                                                        let ex = px - xb[j], ey = py - yb[j]
                                                        let q = 1 / (1 + ex * ex + ey * ey)
                                                        z += q
                                                        fx += q * q * ex
                                                        fy += q * q * ey
                                                    }
                                                } else if wb[c] < thetaSquared * d2 {
                                                    let size = Double(nb[c])
                                                    let q = 1 / (1 + d2)
                                                    z += size * q
                                                    let m = size * q * q
                                                    fx += m * dx
                                                    fy += m * dy
                                                } else {
                                                    for child in stride(from: first + Int(kb[c]) - 1, through: first, by: -1) {
                                                        stack.append(Int32(child))
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
