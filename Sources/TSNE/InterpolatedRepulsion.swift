import Foundation
import LinearAlgebra

/// The settings of the FFT-accelerated interpolation (FIt-SNE, Linderman et al. 2019; openTSNE's
/// `ints_in_interval` and `min_num_intervals`).
public struct InterpolationSettings: Equatable, Sendable {
    /// The widest an interval (a box of the grid, map units) may be; the map's extent over this gives
    /// the intervals per axis. openTSNE's default is 1 with FFTs of any size; ours are powers of two,
    /// so the intervals are rounded up to ⌊M/6⌋ and are often narrower: 1.5 keeps a 25,000-point map
    /// (extent about 180) on a 1024² grid (intervals 1.08 wide) instead of 2048².
    public var intervalWidth: Double = 1.5
    /// The fewest intervals per axis (openTSNE: 50). 40 gives a 256² grid (42 intervals) while the map
    /// is smaller than 60 units, where the intervals are narrow anyway.
    public var minIntervals = 40
    /// The interpolation nodes per interval and axis (Lagrange polynomials of degree nodes − 1).
    public static let nodesPerInterval = 3
    /// The largest FFT size per axis (the grid's memory: about 7 · size² doubles).
    public static let maxFFTSize = 2048

    public init() {}

    /// The FFT size and the intervals per axis for a map of `extent` map units: the smallest M ≥ 64 of
    /// the form 2^k or 3 · 2^k whose ⌊M / 6⌋ intervals (3 nodes each, so at most M / 2 nodes) reach
    /// both `minIntervals` and extent / `intervalWidth`; then all ⌊M / 6⌋ intervals are used, which
    /// only narrows them. M is capped at `maxFFTSize`.
    public func grid(extent: Double) -> (fftSize: Int, intervals: Int) {
        let needed = max(Double(minIntervals), (extent / intervalWidth).rounded(.up))
        var m = 64
        while Double(m / 6) < needed && m < Self.maxFFTSize {
            // 64, 96, 128, 192, 256, 384, …: the next of 2^k and 3 · 2^k.
            m = m >> m.trailingZeroBitCount == 3 ? m / 3 * 4 : m / 2 * 3
        }
        return (m, m / 6)
    }
}

/// The t-SNE repulsion of every point by FFT-accelerated interpolation (FIt-SNE): for each point i,
/// (Σ_j q²_ij (y_i − y_j), Σ_{j≠i} q_ij) with q_ij = 1 / (1 + ‖y_i − y_j‖²), in O(N + M² log M).
///
/// The points' square bounding box is cut into `intervals` × `intervals` boxes with 3 × 3 equispaced
/// interpolation nodes each (at ½, 3⁄2, 5⁄2 of the node spacing h inside a box). Four charges per
/// point — 1, x_j, y_j and x_j² + y_j² (coordinates taken from the box's centre) — are spread onto
/// the nodes of the point's box with the Lagrange weights of its position, L_a(u)·L_b(v). The
/// potentials φ_c(node) = Σ_node' K(node − node') · charge_c(node'), K(Δ) = 1 / (1 + ‖Δ‖²)², are one
/// 2-d circular convolution on an M × M grid (M ≥ 2 · nodes, zero padded, so nothing wraps), done by
/// FFT; and each point's φ_c are interpolated back from its box's nodes with the same weights. Then
/// Σ_j q²_ij (x_i − x_j) = x_i φ₀ − φ₁ (and y likewise), and Σ_j q_ij = Σ_j q²_ij (1 + ‖y_i − y_j‖²)
/// = (1 + ‖y_i‖²) φ₀ − 2 (x_i φ₁ + y_i φ₂) + φ₃, less 1 for j = i.
///
/// The four charges travel as two complex grids (φ₀ + iφ₁, φ₂ + iφ₃): K is real and even, so its
/// spectrum is real and the real and imaginary parts convolve separately.
///
/// Everything depends only on the positions: every rank computing it from the same N positions gets
/// the same potentials, whatever its thread count (the spreading is sequential, the FFT's column
/// strips are independent, and each point's interpolation is its own).
public final class InterpolatedRepulsion {
    public let settings: InterpolationSettings
    /// The FFT size per axis and the intervals per axis of the last `compute`.
    public private(set) var fftSize = 0
    public private(set) var intervals = 0
    /// Interpolation nodes per axis (3 · intervals).
    var nodes = 0
    /// The grid's lower-left corner, the node spacing, and the centre the charges are taken from.
    var x0 = 0.0, y0 = 0.0, spacing = 1.0, cx = 0.0, cy = 0.0
    /// The two packed grids (M × M, row = y node, column = x node), the transpose scratch, the kernel's spectrum.
    var aRe: [Double] = [], aIm: [Double] = [], bRe: [Double] = [], bIm: [Double] = []
    var sRe: [Double] = [], sIm: [Double] = [], kernel: [Double] = []
    var plan: FFTPlan?
    /// The points' coordinates (centred).
    var px: [Double] = [], py: [Double] = []
    /// Column strips of the FFT (cache-sized).
    static let strip = 32
    /// Doubles of padding after each grid row: a power-of-two row stride would map a strip's rows
    /// onto the same cache sets.
    static let pad = 8

    public init(settings: InterpolationSettings = InterpolationSettings()) { self.settings = settings }

    /// The potentials of `positions` (x0, y0, x1, y1, …, all N points), on `threads` threads.
    public func compute(positions: [Float], threads: Int) {
        let n = positions.count / 2
        guard n > 0 else { fftSize = 0; return }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        for i in 0..<n {
            let x = Double(positions[2 * i]), y = Double(positions[2 * i + 1])
            minX = min(minX, x); maxX = max(maxX, x)
            minY = min(minY, y); maxY = max(maxY, y)
        }
        let extent = max(maxX - minX, maxY - minY, 1e-12)
        let (m, boxes) = settings.grid(extent: extent)
        if m != fftSize {
            fftSize = m
            plan = FFTPlan(size: m)
            let fresh = [Double](repeating: 0, count: m * (m + Self.pad))
            (aRe, aIm, bRe, bIm, sRe, sIm, kernel) = (fresh, fresh, fresh, fresh, fresh, fresh, fresh)
        }
        intervals = boxes
        nodes = InterpolationSettings.nodesPerInterval * boxes
        x0 = minX
        y0 = minY
        spacing = extent / Double(nodes)
        cx = minX + extent / 2
        cy = minY + extent / 2
        px = (0..<n).map { Double(positions[2 * $0]) - cx }
        py = (0..<n).map { Double(positions[2 * $0 + 1]) - cy }

        kernelSpectrum(threads: threads)
        spread()
        convolve(re: &aRe, im: &aIm, threads: threads)
        convolve(re: &bRe, im: &bIm, threads: threads)
    }

    /// The grid's geometry of the last `compute`.
    var geometry: Geometry { Geometry(x0: x0 - cx, y0: y0 - cy, spacing: spacing, intervals: intervals) }

    /// The first node (x, y) of point i's box and its 3 + 3 Lagrange weights.
    @inline(__always)
    func weights(of i: Int) -> (ix: Int, iy: Int, wx: (Double, Double, Double), wy: (Double, Double, Double)) {
        geometry.weights(x: px[i], y: py[i])
    }

    /// Where the nodes are, in the centred coordinates.
    struct Geometry {
        let x0: Double, y0: Double, spacing: Double, intervals: Int

        /// The first node (x, y) of the box of the point at (x, y) and its 3 + 3 Lagrange weights.
        @inline(__always)
        func weights(x: Double, y: Double) -> (ix: Int, iy: Int, wx: (Double, Double, Double), wy: (Double, Double, Double)) {
            // Node coordinate of the point: nodes sit at k + ½ for k = 0 ..< nodes.
            let gx = (x - x0) / spacing, gy = (y - y0) / spacing
            let bx = min(max(Int(gx / 3), 0), intervals - 1), by = min(max(Int(gy / 3), 0), intervals - 1)
            return (3 * bx, 3 * by, InterpolatedRepulsion.lagrange(gx - Double(3 * bx)), InterpolatedRepulsion.lagrange(gy - Double(3 * by)))
        }
    }

    /// The potentials of the last `compute` behind raw pointers, for the many `repulsion(of:)` calls
    /// of an iteration without an access check each. Valid only inside `withField`.
    public struct Field {
        let aRe: UnsafePointer<Double>, aIm: UnsafePointer<Double>, bRe: UnsafePointer<Double>, bIm: UnsafePointer<Double>
        let px: UnsafePointer<Double>, py: UnsafePointer<Double>
        let ld: Int
        let geometry: Geometry
        /// K at node lags (|dx|, |dy|) ≤ 2, row-major 3 × 3: what a point's own charge adds to its own
        /// potential through the interpolation, which is not exactly K(0) = 1.
        let near: (Double, Double, Double, Double, Double, Double, Double, Double, Double)

        /// The repulsion on point i: (Σ_j q²_ij·(y_i − y_j), Σ_{j≠i} q_ij), q unnormalised.
        @inline(__always)
        public func repulsion(of i: Int) -> (fx: Double, fy: Double, z: Double) {
            let x = px[i], y = py[i]
            let (ix, iy, wx, wy) = geometry.weights(x: x, y: y)
            var p0 = 0.0, p1 = 0.0, p2 = 0.0, p3 = 0.0
            for b in 0..<3 {
                let wb = b == 0 ? wy.0 : (b == 1 ? wy.1 : wy.2)
                let row = (iy + b) * ld + ix
                let r0 = wb * wx.0, r1 = wb * wx.1, r2 = wb * wx.2
                p0 += r0 * aRe[row] + r1 * aRe[row + 1] + r2 * aRe[row + 2]
                p1 += r0 * aIm[row] + r1 * aIm[row + 1] + r2 * aIm[row + 2]
                p2 += r0 * bRe[row] + r1 * bRe[row + 1] + r2 * bRe[row + 2]
                p3 += r0 * bIm[row] + r1 * bIm[row + 1] + r2 * bIm[row + 2]
            }
            let fx = x * p0 - p1, fy = y * p0 - p2
            // The point's own term as the grid sees it: Σ over its 9 nodes twice of the weights'
            // products times K at their lag, grouped by lag (mx[d] = Σ_{|a−a'|=d} w_a w_a').
            let mx0 = wx.0 * wx.0 + wx.1 * wx.1 + wx.2 * wx.2, mx1 = 2 * (wx.0 * wx.1 + wx.1 * wx.2), mx2 = 2 * wx.0 * wx.2
            let my0 = wy.0 * wy.0 + wy.1 * wy.1 + wy.2 * wy.2, my1 = 2 * (wy.0 * wy.1 + wy.1 * wy.2), my2 = 2 * wy.0 * wy.2
            let k = near
            let own = mx0 * (my0 * k.0 + my1 * k.1 + my2 * k.2) + mx1 * (my0 * k.3 + my1 * k.4 + my2 * k.5)
                + mx2 * (my0 * k.6 + my1 * k.7 + my2 * k.8)
            let z = (1 + x * x + y * y) * p0 - 2 * (x * p1 + y * p2) + p3 - own
            return (fx, fy, z)
        }
    }

    /// Runs `body` with the potentials of the last `compute` (which must have had points).
    public func withField<R>(_ body: (Field) -> R) -> R {
        let ld = fftSize + Self.pad, g = geometry, h2 = spacing * spacing
        func kernel(_ dx: Int, _ dy: Int) -> Double { let w = 1 / (1 + h2 * Double(dx * dx + dy * dy)); return w * w }
        let near = (kernel(0, 0), kernel(0, 1), kernel(0, 2), kernel(1, 0), kernel(1, 1), kernel(1, 2),
                    kernel(2, 0), kernel(2, 1), kernel(2, 2))
        return aRe.withUnsafeBufferPointer { ar in
            aIm.withUnsafeBufferPointer { ai in
                bRe.withUnsafeBufferPointer { br in
                    bIm.withUnsafeBufferPointer { bi in
                        px.withUnsafeBufferPointer { xb in
                            py.withUnsafeBufferPointer { yb in
                                body(Field(aRe: ar.baseAddress!, aIm: ai.baseAddress!, bRe: br.baseAddress!, bIm: bi.baseAddress!,
                                           px: xb.baseAddress!, py: yb.baseAddress!, ld: ld, geometry: g, near: near))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The Lagrange basis of the nodes ½, 3⁄2, 5⁄2 at u.
    @inline(__always)
    static func lagrange(_ u: Double) -> (Double, Double, Double) {
        let a = u - 0.5, b = u - 1.5, c = u - 2.5
        return (0.5 * b * c, -a * c, 0.5 * a * b)
    }

    /// K's spectrum: K(Δ) = 1 / (1 + h²(dx² + dy²))² at every node lag |dx|, |dy| < nodes, wrapped
    /// (lag −d at M − d), transformed as the charge grids are, times 1 / M² (the inverse's scale).
    /// K is even in x: the transform along y is run on the columns dx < nodes only, and column M − dx
    /// copied from column dx (the columns between are zero).
    private func kernelSpectrum(threads: Int) {
        let m = fftSize, ld = m + Self.pad, n = nodes, h2 = spacing * spacing, plan = plan!
        aRe.withUnsafeMutableBufferPointer { kr in
            aIm.withUnsafeMutableBufferPointer { ki in
                sRe.withUnsafeMutableBufferPointer { srb in
                    sIm.withUnsafeMutableBufferPointer { sib in
                        let r = kr.baseAddress!, im = ki.baseAddress!, sr = srb.baseAddress!, si = sib.baseAddress!
                        r.update(repeating: 0, count: m * ld)
                        im.update(repeating: 0, count: m * ld)
                        for dy in 0..<n {
                            for dx in 0..<n {
                                let w = 1 / (1 + h2 * Double(dx * dx + dy * dy))
                                r[dy * ld + dx] = w * w
                                if dy > 0 { r[(m - dy) * ld + dx] = w * w }
                            }
                        }
                        ParallelFor.chunks(count: n, chunkSize: Self.strip, threads: threads) { _, columns in
                            plan.forward(re: r, im: im, stride: ld, columns: columns)
                        }
                        for row in 0..<m {
                            for dx in 1..<n {
                                r[row * ld + m - dx] = r[row * ld + dx]
                                im[row * ld + m - dx] = im[row * ld + dx]
                            }
                        }
                        Self.transpose(from: (r, im), to: (sr, si), m: ld, rows: m, columns: m, threads: threads)
                        ParallelFor.chunks(count: m, chunkSize: Self.strip, threads: threads) { _, columns in
                            plan.forward(re: sr, im: si, stride: ld, columns: columns)
                        }
                    }
                }
            }
        }
        let scale = 1 / Double(m * m)
        for e in 0..<m * ld { kernel[e] = sRe[e] * scale }
    }

    /// Spreads the four charges of every point onto the nodes of its box (sequential: the sums'
    /// order is the points' order, whatever the threads).
    private func spread() {
        let m = fftSize, ld = m + Self.pad
        for buffer in [0, 1, 2, 3] {
            switch buffer {
            case 0: aRe.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: m * ld) }
            case 1: aIm.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: m * ld) }
            case 2: bRe.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: m * ld) }
            default: bIm.withUnsafeMutableBufferPointer { $0.baseAddress!.update(repeating: 0, count: m * ld) }
            }
        }
        aRe.withUnsafeMutableBufferPointer { ar in
            aIm.withUnsafeMutableBufferPointer { ai in
                bRe.withUnsafeMutableBufferPointer { br in
                    bIm.withUnsafeMutableBufferPointer { bi in
                        let g = geometry, xs = px, ys = py
                        for i in 0..<xs.count {
                            let x = xs[i], y = ys[i], r2 = x * x + y * y
                            let (ix, iy, wx, wy) = g.weights(x: x, y: y)
                            for b in 0..<3 {
                                let wb = b == 0 ? wy.0 : (b == 1 ? wy.1 : wy.2)
                                let row = (iy + b) * ld + ix
                                for a in 0..<3 {
                                    let w = wb * (a == 0 ? wx.0 : (a == 1 ? wx.1 : wx.2))
                                    ar[row + a] += w
                                    ai[row + a] += w * x
                                    br[row + a] += w * y
                                    bi[row + a] += w * r2
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The 2-d forward transform of the grid (re, im), whose columns ≥ `nonzero` and rows ≥ `nonzero`
    /// are zero: along y for the first `nonzero` columns, a transpose into the scratch (s[x][y]), and
    /// along x for every column. The bit-reversed spectrum is left in the scratch.
    private func forward2D(re: inout [Double], im: inout [Double], nonzero: Int, threads: Int) {
        let m = fftSize, ld = m + Self.pad, plan = plan!
        re.withUnsafeMutableBufferPointer { rb in
            im.withUnsafeMutableBufferPointer { ib in
                sRe.withUnsafeMutableBufferPointer { srb in
                    sIm.withUnsafeMutableBufferPointer { sib in
                        let r = rb.baseAddress!, i = ib.baseAddress!, sr = srb.baseAddress!, si = sib.baseAddress!
                        ParallelFor.chunks(count: nonzero, chunkSize: Self.strip, threads: threads) { _, columns in
                            plan.forward(re: r, im: i, stride: ld, columns: columns)
                        }
                        Self.transpose(from: (r, i), to: (sr, si), m: ld, rows: m, columns: nonzero, threads: threads)
                        if nonzero < m {
                            (sr + nonzero * ld).update(repeating: 0, count: (m - nonzero) * ld)
                            (si + nonzero * ld).update(repeating: 0, count: (m - nonzero) * ld)
                        }
                        ParallelFor.chunks(count: m, chunkSize: Self.strip, threads: threads) { _, columns in
                            plan.forward(re: sr, im: si, stride: ld, columns: columns)
                        }
                    }
                }
            }
        }
    }

    /// Convolves the packed charge grid (re, im) with K: forward, times K's spectrum, inverse. The
    /// potentials land in the grid's first `nodes` rows and columns.
    private func convolve(re: inout [Double], im: inout [Double], threads: Int) {
        let m = fftSize, ld = m + Self.pad, n = nodes, plan = plan!
        forward2D(re: &re, im: &im, nonzero: n, threads: threads)
        re.withUnsafeMutableBufferPointer { rb in
            im.withUnsafeMutableBufferPointer { ib in
                sRe.withUnsafeMutableBufferPointer { srb in
                    sIm.withUnsafeMutableBufferPointer { sib in
                        kernel.withUnsafeBufferPointer { kb in
                            let r = rb.baseAddress!, i = ib.baseAddress!, sr = srb.baseAddress!, si = sib.baseAddress!
                            let k = kb.baseAddress!
                            ParallelFor.chunks(count: m, chunkSize: Self.strip, threads: threads) { _, rows in
                                for e in rows.lowerBound * ld..<rows.upperBound * ld {
                                    sr[e] *= k[e]
                                    si[e] *= k[e]
                                }
                            }
                            // Inverse along x (the scratch's rows), every column; only rows x < n are needed.
                            ParallelFor.chunks(count: m, chunkSize: Self.strip, threads: threads) { _, columns in
                                plan.inverse(re: sr, im: si, stride: ld, columns: columns)
                            }
                            Self.transpose(from: (sr, si), to: (r, i), m: ld, rows: n, columns: m, threads: threads)
                            ParallelFor.chunks(count: n, chunkSize: Self.strip, threads: threads) { _, columns in
                                plan.inverse(re: r, im: i, stride: ld, columns: columns)
                            }
                        }
                    }
                }
            }
        }
    }

    /// to[c][r] = from[r][c] for r < rows, c < columns (both M × M, row-major), in 32 × 32 blocks.
    private static func transpose(from: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                                  to: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>),
                                  m: Int, rows: Int, columns: Int, threads: Int) {
        let block = 32
        ParallelFor.chunks(count: (columns + block - 1) / block, chunkSize: 1, threads: threads) { _, blocks in
            for cb in blocks {
                let c0 = cb * block, c1 = min(columns, c0 + block)
                var r0 = 0
                while r0 < rows {
                    let r1 = min(rows, r0 + block)
                    for c in c0..<c1 {
                        for r in r0..<r1 {
                            to.0[c * m + r] = from.0[r * m + c]
                            to.1[c * m + r] = from.1[r * m + c]
                        }
                    }
                    r0 = r1
                }
            }
        }
    }

    /// The repulsion on point i of the last `compute`: (Σ_j q²_ij·(y_i − y_j), Σ_{j≠i} q_ij), q unnormalised.
    public func repulsion(of i: Int) -> (fx: Double, fy: Double, z: Double) {
        guard fftSize > 0 else { return (0, 0, 0) }
        return withField { $0.repulsion(of: i) }
    }
}
