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
    let x: [Double], y: [Double]

    /// The tree of `positions` (x0, y0, x1, y1, …).
    public init(positions: [Float]) {
        let n = positions.count / 2
        x = (0..<n).map { Double(positions[2 * $0]) }
        y = (0..<n).map { Double(positions[2 * $0 + 1]) }
        order = (0..<n).map(Int32.init)
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
        var quadrantCounts = (0, 0, 0, 0)
        @inline(__always) func quadrant(_ p: Int) -> Int { (x[p] >= midX ? 1 : 0) + (y[p] >= midY ? 2 : 0) }
        for s in start..<end {
            switch quadrant(Int(order[s])) {
            case 0: quadrantCounts.0 += 1
            case 1: quadrantCounts.1 += 1
            case 2: quadrantCounts.2 += 1
            default: quadrantCounts.3 += 1
            }
        }
        let counts = [quadrantCounts.0, quadrantCounts.1, quadrantCounts.2, quadrantCounts.3]
        var next = [start, start + counts[0], start + counts[0] + counts[1], start + counts[0] + counts[1] + counts[2]]
        let begins = next
        for s in start..<end {
            let p = Int(order[s])
            let q = quadrant(p)
            scratch[next[q]] = Int32(p)
            next[q] += 1
        }
        for s in start..<end { order[s] = scratch[s] }
        let children = counts.filter { $0 > 0 }.count
        let first = cells
        firstChild[cell] = Int32(first)
        childCount[cell] = Int8(children)
        for _ in 0..<children { appendCell() }
        var child = first
        for q in 0..<4 where counts[q] > 0 {
            let sub = (q & 1 == 0 ? box.0 : midX, q & 2 == 0 ? box.1 : midY, q & 1 == 0 ? midX : box.2, q & 2 == 0 ? midY : box.3)
            fill(cell: child, start: begins[q], end: begins[q] + counts[q], box: sub, tiny: tiny, depth: depth + 1, scratch: &scratch)
            child += 1
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
