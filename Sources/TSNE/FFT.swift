import Foundation

/// A complex FFT of one size, 2^k or 3 · 2^k, on split real and imaginary Double arrays, written for
/// the grid convolution of the interpolated repulsion (`InterpolatedRepulsion`): radix 2, with one
/// radix-3 stage for sizes 3 · 2^k (so that the grid need not double from 512 to 1024 but can stop at 768).
///
/// The forward transform is decimation in frequency: natural order in, scrambled order out (bit
/// reversal; for 3 · 2^k, X_{3k+r} in the r-th third at the bit reversal of k, see `spectrumRow`). The
/// inverse is decimation in time, the mirror image: scrambled order in, natural order out,
/// unnormalised (it returns size × the input of the forward). A product of two spectra taken in the
/// same scrambled order is the scrambled spectrum of the circular convolution, so the convolution
/// never permutes.
///
/// The transforms run along the row index of a row-major grid, for a range of its columns at once:
/// each butterfly is a loop over contiguous columns (the loop the compiler vectorises), and a strip of
/// columns stays in cache through all stages. A 1-d transform is the case of one column.
public struct FFTPlan: Sendable {
    public let size: Int
    /// Whether size is 3 · 2^k (one radix-3 stage, then three radix-2 transforms of size / 3).
    let radix3: Bool
    /// cos(2πk / size) and sin(2πk / size) for k < size.
    let cosines: [Double]
    let sines: [Double]

    /// The sizes a plan takes: 2^k or 3 · 2^k, at least 2.
    public static func isSupported(_ size: Int) -> Bool {
        guard size >= 2 else { return false }
        let odd = size >> size.trailingZeroBitCount
        return odd == 1 || odd == 3
    }

    /// A plan for `size` points, 2^k or 3 · 2^k, at least 2.
    public init(size: Int) {
        precondition(Self.isSupported(size), "FFT size must be 2^k or 3·2^k (got \(size))")
        self.size = size
        radix3 = size >> size.trailingZeroBitCount == 3
        cosines = (0..<size).map { cos(2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<size).map { sin(2 * Double.pi * Double($0) / Double(size)) }
    }

    /// The forward transform X_k = Σ_j x_j e^{−2πijk/size} along the rows of the grid at `re`, `im`
    /// (element (row, column) at row · stride + column), for `columns`; X_k lands at row `spectrumRow(k)`.
    public func forward(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, stride: Int, columns: Range<Int>) {
        guard !columns.isEmpty else { return }
        let c0 = columns.lowerBound, width = columns.count
        guard radix3 else {
            radix2Forward(re: re + c0, im: im + c0, stride: stride, width: width, length: size, baseStep: 1)
            return
        }
        let third = size / 3
        // x_j, x_{j+L}, x_{j+2L} → (Σ_t x_{j+tL} ω^{tr}) · W^{jr} for r = 0, 1, 2 (ω = e^{−2πi/3}, W = e^{−2πi/size}).
        let c3 = -0.5, s3 = -(3.0.squareRoot() / 2) // ω = c3 + i·s3
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                for j in 0..<third {
                    let w1r = cb[j], w1i = -sb[j], w2r = cb[2 * j], w2i = -sb[2 * j]
                    let ar = re + j * stride + c0, ai = im + j * stride + c0
                    let br = ar + third * stride, bi = ai + third * stride
                    let dr = br + third * stride, di = bi + third * stride
                    for c in 0..<width {
                        let x0r = ar[c], x0i = ai[c], x1r = br[c], x1i = bi[c], x2r = dr[c], x2i = di[c]
                        let sr = x1r + x2r, si = x1i + x2i
                        // x0 + ω x1 + ω² x2 = x0 + c3 (x1 + x2) + i s3 (x1 − x2), and the conjugate pair for r = 2.
                        let mr = x0r + c3 * sr, mi = x0i + c3 * si
                        let nr = -s3 * (x1i - x2i), ni = s3 * (x1r - x2r)
                        ar[c] = x0r + sr
                        ai[c] = x0i + si
                        let y1r = mr + nr, y1i = mi + ni, y2r = mr - nr, y2i = mi - ni
                        br[c] = y1r * w1r - y1i * w1i
                        bi[c] = y1r * w1i + y1i * w1r
                        dr[c] = y2r * w2r - y2i * w2i
                        di[c] = y2r * w2i + y2i * w2r
                    }
                }
            }
        }
        for t in 0..<3 {
            radix2Forward(re: re + t * third * stride + c0, im: im + t * third * stride + c0, stride: stride, width: width,
                          length: third, baseStep: 3)
        }
    }

    /// The inverse x_j = Σ_k X_k e^{+2πijk/size} (no 1/size) of a scrambled spectrum, in natural order.
    public func inverse(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, stride: Int, columns: Range<Int>) {
        guard !columns.isEmpty else { return }
        let c0 = columns.lowerBound, width = columns.count
        guard radix3 else {
            radix2Inverse(re: re + c0, im: im + c0, stride: stride, width: width, length: size, baseStep: 1)
            return
        }
        let third = size / 3
        for t in 0..<3 {
            radix2Inverse(re: re + t * third * stride + c0, im: im + t * third * stride + c0, stride: stride, width: width,
                          length: third, baseStep: 3)
        }
        // y_r = (third r at j) · W̄^{jr}; x_{j+tL} = Σ_r y_r ω̄^{tr}.
        let c3 = -0.5, s3 = 3.0.squareRoot() / 2 // ω̄ = c3 + i·s3
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                for j in 0..<third {
                    let w1r = cb[j], w1i = sb[j], w2r = cb[2 * j], w2i = sb[2 * j]
                    let ar = re + j * stride + c0, ai = im + j * stride + c0
                    let br = ar + third * stride, bi = ai + third * stride
                    let dr = br + third * stride, di = bi + third * stride
                    for c in 0..<width {
                        let x0r = ar[c], x0i = ai[c]
                        let x1r = br[c] * w1r - bi[c] * w1i, x1i = br[c] * w1i + bi[c] * w1r
                        let x2r = dr[c] * w2r - di[c] * w2i, x2i = dr[c] * w2i + di[c] * w2r
                        let sr = x1r + x2r, si = x1i + x2i
                        let mr = x0r + c3 * sr, mi = x0i + c3 * si
                        let nr = -s3 * (x1i - x2i), ni = s3 * (x1r - x2r)
                        ar[c] = x0r + sr
                        ai[c] = x0i + si
                        br[c] = mr + nr
                        bi[c] = mi + ni
                        dr[c] = mr - nr
                        di[c] = mi - ni
                    }
                }
            }
        }
    }

    /// Radix-2 DIF on `length` rows from `re`, `im` (already offset to the first row and column),
    /// twiddles e^{−2πij/length} = table[j · baseStep].
    @inline(__always)
    func radix2Forward(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, stride: Int, width: Int,
                       length: Int, baseStep: Int) {
        let size = length, c0 = 0
        var half = size / 2, step = baseStep
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                // Two stages (spans h and h/2) per pass over the strip: the same butterflies in the same
                // order as one stage at a time, with half the loads and stores.
                while half >= 2 {
                    let quarter = half / 2
                    var start = 0
                    while start < size {
                        for j in 0..<quarter {
                            let w1r = cb[j * step], w1i = -sb[j * step]
                            let w3r = cb[(j + quarter) * step], w3i = -sb[(j + quarter) * step]
                            let w2r = cb[j * 2 * step], w2i = -sb[j * 2 * step]
                            let r0 = (start + j) * stride + c0, r1 = r0 + quarter * stride
                            let r2 = r0 + half * stride, r3 = r1 + half * stride
                            Self.difPair(re + r0, im + r0, re + r1, im + r1, re + r2, im + r2, re + r3, im + r3, width,
                                         (w1r, w1i), (w3r, w3i), (w2r, w2i))
                        }
                        start += 2 * half
                    }
                    half /= 4
                    step *= 4
                }
                if half == 1 {
                    var start = 0
                    while start < size {
                        let ar = re + start * stride + c0, ai = im + start * stride + c0
                        Self.difButterflies(ar, ai, ar + stride, ai + stride, width, 1, 0)
                        start += 2
                    }
                }
            }
        }
    }

    /// Radix-2 DIT on `length` rows (the mirror of `radix2Forward`).
    @inline(__always)
    func radix2Inverse(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, stride: Int, width: Int,
                       length: Int, baseStep: Int) {
        let size = length, c0 = 0
        var half = 1, step = size / 2 * baseStep
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                // With an odd number of stages, the single span-1 stage first (the mirror of `forward`).
                if size.trailingZeroBitCount % 2 == 1 {
                    var start = 0
                    while start < size {
                        let ar = re + start * stride + c0, ai = im + start * stride + c0
                        Self.ditButterflies(ar, ai, ar + stride, ai + stride, width, 1, 0)
                        start += 2
                    }
                    half = 2
                    step = size / 4 * baseStep
                }
                // Then two stages (spans h and 2h) per pass.
                while half < size {
                    let double = 2 * half
                    var start = 0
                    while start < size {
                        for j in 0..<half {
                            let w2r = cb[j * step], w2i = sb[j * step]
                            let w1r = cb[j * step / 2], w1i = sb[j * step / 2]
                            let w3r = cb[(j + half) * step / 2], w3i = sb[(j + half) * step / 2]
                            let r0 = (start + j) * stride + c0, r1 = r0 + half * stride
                            let r2 = r0 + double * stride, r3 = r1 + double * stride
                            Self.ditPair(re + r0, im + r0, re + r1, im + r1, re + r2, im + r2, re + r3, im + r3, width,
                                         (w2r, w2i), (w1r, w1i), (w3r, w3i))
                        }
                        start += 2 * double
                    }
                    half *= 4
                    step /= 4
                }
            }
        }
    }

    typealias Twiddle = (Double, Double)

    /// Two DIF stages on rows 0, 1, 2, 3 (0–2 and 1–3 at span h with w1 and w3, then 0–1 and 2–3 at span h/2 with w2).
    @inline(__always)
    static func difPair(_ a0: UnsafeMutablePointer<Double>, _ b0: UnsafeMutablePointer<Double>,
                        _ a1: UnsafeMutablePointer<Double>, _ b1: UnsafeMutablePointer<Double>,
                        _ a2: UnsafeMutablePointer<Double>, _ b2: UnsafeMutablePointer<Double>,
                        _ a3: UnsafeMutablePointer<Double>, _ b3: UnsafeMutablePointer<Double>,
                        _ width: Int, _ w1: Twiddle, _ w3: Twiddle, _ w2: Twiddle) {
        var c = 0
        let v1r = V(repeating: w1.0), v1i = V(repeating: w1.1)
        let v3r = V(repeating: w3.0), v3i = V(repeating: w3.1)
        let v2r = V(repeating: w2.0), v2i = V(repeating: w2.1)
        while c + V.scalarCount <= width {
            let x0r = loadV(a0 + c), x0i = loadV(b0 + c), x1r = loadV(a1 + c), x1i = loadV(b1 + c)
            let x2r = loadV(a2 + c), x2i = loadV(b2 + c), x3r = loadV(a3 + c), x3i = loadV(b3 + c)
            // span h
            let s0r = x0r + x2r, s0i = x0i + x2i, d0r = x0r - x2r, d0i = x0i - x2i
            let s1r = x1r + x3r, s1i = x1i + x3i, d1r = x1r - x3r, d1i = x1i - x3i
            let t2r = d0r * v1r - d0i * v1i, t2i = d0r * v1i + d0i * v1r
            let t3r = d1r * v3r - d1i * v3i, t3i = d1r * v3i + d1i * v3r
            // span h/2
            storeV(s0r + s1r, a0 + c); storeV(s0i + s1i, b0 + c)
            let e0r = s0r - s1r, e0i = s0i - s1i
            storeV(e0r * v2r - e0i * v2i, a1 + c); storeV(e0r * v2i + e0i * v2r, b1 + c)
            storeV(t2r + t3r, a2 + c); storeV(t2i + t3i, b2 + c)
            let e2r = t2r - t3r, e2i = t2i - t3i
            storeV(e2r * v2r - e2i * v2i, a3 + c); storeV(e2r * v2i + e2i * v2r, b3 + c)
            c += V.scalarCount
        }
        if c < width {
            let rest = width - c
            difButterflies(a0 + c, b0 + c, a2 + c, b2 + c, rest, w1.0, w1.1)
            difButterflies(a1 + c, b1 + c, a3 + c, b3 + c, rest, w3.0, w3.1)
            difButterflies(a0 + c, b0 + c, a1 + c, b1 + c, rest, w2.0, w2.1)
            difButterflies(a2 + c, b2 + c, a3 + c, b3 + c, rest, w2.0, w2.1)
        }
    }

    /// Two DIT stages on rows 0, 1, 2, 3 (0–1 and 2–3 at span h with w2, then 0–2 and 1–3 at span 2h with w1 and w3).
    @inline(__always)
    static func ditPair(_ a0: UnsafeMutablePointer<Double>, _ b0: UnsafeMutablePointer<Double>,
                        _ a1: UnsafeMutablePointer<Double>, _ b1: UnsafeMutablePointer<Double>,
                        _ a2: UnsafeMutablePointer<Double>, _ b2: UnsafeMutablePointer<Double>,
                        _ a3: UnsafeMutablePointer<Double>, _ b3: UnsafeMutablePointer<Double>,
                        _ width: Int, _ w2: Twiddle, _ w1: Twiddle, _ w3: Twiddle) {
        var c = 0
        let v1r = V(repeating: w1.0), v1i = V(repeating: w1.1)
        let v3r = V(repeating: w3.0), v3i = V(repeating: w3.1)
        let v2r = V(repeating: w2.0), v2i = V(repeating: w2.1)
        while c + V.scalarCount <= width {
            let x0r = loadV(a0 + c), x0i = loadV(b0 + c), x1r = loadV(a1 + c), x1i = loadV(b1 + c)
            let x2r = loadV(a2 + c), x2i = loadV(b2 + c), x3r = loadV(a3 + c), x3i = loadV(b3 + c)
            // span h: 0–1, 2–3 with w2
            let p1r = x1r * v2r - x1i * v2i, p1i = x1r * v2i + x1i * v2r
            let p3r = x3r * v2r - x3i * v2i, p3i = x3r * v2i + x3i * v2r
            let y0r = x0r + p1r, y0i = x0i + p1i, y1r = x0r - p1r, y1i = x0i - p1i
            let y2r = x2r + p3r, y2i = x2i + p3i, y3r = x2r - p3r, y3i = x2i - p3i
            // span 2h: 0–2 with w1, 1–3 with w3
            let q2r = y2r * v1r - y2i * v1i, q2i = y2r * v1i + y2i * v1r
            let q3r = y3r * v3r - y3i * v3i, q3i = y3r * v3i + y3i * v3r
            storeV(y0r + q2r, a0 + c); storeV(y0i + q2i, b0 + c)
            storeV(y0r - q2r, a2 + c); storeV(y0i - q2i, b2 + c)
            storeV(y1r + q3r, a1 + c); storeV(y1i + q3i, b1 + c)
            storeV(y1r - q3r, a3 + c); storeV(y1i - q3i, b3 + c)
            c += V.scalarCount
        }
        if c < width {
            let rest = width - c
            ditButterflies(a0 + c, b0 + c, a1 + c, b1 + c, rest, w2.0, w2.1)
            ditButterflies(a2 + c, b2 + c, a3 + c, b3 + c, rest, w2.0, w2.1)
            ditButterflies(a0 + c, b0 + c, a2 + c, b2 + c, rest, w1.0, w1.1)
            ditButterflies(a1 + c, b1 + c, a3 + c, b3 + c, rest, w3.0, w3.1)
        }
    }

    /// a, b ← a + b, (a − b)·w over `width` columns, four at a time.
    @inline(__always)
    static func difButterflies(_ ar: UnsafeMutablePointer<Double>, _ ai: UnsafeMutablePointer<Double>,
                               _ br: UnsafeMutablePointer<Double>, _ bi: UnsafeMutablePointer<Double>,
                               _ width: Int, _ wr: Double, _ wi: Double) {
        var c = 0
        let vr = SIMD4<Double>(repeating: wr), vi = SIMD4<Double>(repeating: wi)
        while c + 4 <= width {
            let xr = load(ar + c), xi = load(ai + c), yr = load(br + c), yi = load(bi + c)
            store(xr + yr, ar + c)
            store(xi + yi, ai + c)
            let dr = xr - yr, di = xi - yi
            store(dr * vr - di * vi, br + c)
            store(dr * vi + di * vr, bi + c)
            c += 4
        }
        while c < width {
            let xr = ar[c], xi = ai[c], yr = br[c], yi = bi[c]
            ar[c] = xr + yr
            ai[c] = xi + yi
            let dr = xr - yr, di = xi - yi
            br[c] = dr * wr - di * wi
            bi[c] = dr * wi + di * wr
            c += 1
        }
    }

    /// a, b ← a + b·w, a − b·w over `width` columns, four at a time.
    @inline(__always)
    static func ditButterflies(_ ar: UnsafeMutablePointer<Double>, _ ai: UnsafeMutablePointer<Double>,
                               _ br: UnsafeMutablePointer<Double>, _ bi: UnsafeMutablePointer<Double>,
                               _ width: Int, _ wr: Double, _ wi: Double) {
        var c = 0
        let vr = SIMD4<Double>(repeating: wr), vi = SIMD4<Double>(repeating: wi)
        while c + 4 <= width {
            let pr = load(br + c), pi = load(bi + c)
            let yr = pr * vr - pi * vi, yi = pr * vi + pi * vr
            let xr = load(ar + c), xi = load(ai + c)
            store(xr + yr, ar + c)
            store(xi + yi, ai + c)
            store(xr - yr, br + c)
            store(xi - yi, bi + c)
            c += 4
        }
        while c < width {
            let yr = br[c] * wr - bi[c] * wi, yi = br[c] * wi + bi[c] * wr
            let xr = ar[c], xi = ai[c]
            ar[c] = xr + yr
            ai[c] = xi + yi
            br[c] = xr - yr
            bi[c] = xi - yi
            c += 1
        }
    }

    /// The vector of the two-stage passes: two doubles, so that their 16 live values fit the 16
    /// SSE registers of the baseline x86-64 target without spilling.
    typealias V = SIMD4<Double>

    @inline(__always) static func loadV(_ p: UnsafeMutablePointer<Double>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always) static func storeV(_ v: V, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    @inline(__always) static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always) static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    /// The row where `forward` leaves X_k: the bit reversal of k; for 3 · 2^k, row (k mod 3) · size/3
    /// plus the bit reversal of k / 3 in size/3.
    public func spectrumRow(_ k: Int) -> Int {
        let length = radix3 ? size / 3 : size
        var r = 0, v = radix3 ? k / 3 : k, bits = length.trailingZeroBitCount
        while bits > 0 { r = r << 1 | v & 1; v >>= 1; bits -= 1 }
        return radix3 ? (k % 3) * length + r : r
    }
}
