import Foundation

/// A radix-2 complex FFT of one power-of-two size on split real and imaginary Double arrays, written
/// for the grid convolution of the interpolated repulsion (`InterpolatedRepulsion`).
///
/// The forward transform is decimation in frequency: natural order in, bit-reversed order out. The
/// inverse is decimation in time: bit-reversed order in, natural order out, unnormalised (it returns
/// size × the input of the forward). A product of two spectra taken in the same scrambled order is
/// the scrambled spectrum of the circular convolution, so the convolution never permutes.
///
/// The transforms run along the row index of a row-major grid, for a range of its columns at once:
/// each butterfly is a loop over contiguous columns (the loop the compiler vectorises), and a strip of
/// columns stays in cache through all log₂(size) stages. A 1-d transform is the case of one column.
public struct FFTPlan: Sendable {
    public let size: Int
    /// cos(2πk / size) and sin(2πk / size) for k < size / 2.
    let cosines: [Double]
    let sines: [Double]

    /// A plan for `size` points, a power of two, at least 2.
    public init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two (got \(size))")
        self.size = size
        cosines = (0..<size / 2).map { cos(2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<size / 2).map { sin(2 * Double.pi * Double($0) / Double(size)) }
    }

    /// The forward transform X_k = Σ_j x_j e^{−2πijk/size} along the rows of the grid at `re`, `im`
    /// (element (row, column) at row · stride + column), for `columns`; X_k lands at the row that is
    /// the bit reversal of k.
    public func forward(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, stride: Int, columns: Range<Int>) {
        guard !columns.isEmpty else { return }
        let c0 = columns.lowerBound, width = columns.count
        var half = size / 2, step = 1
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                while half >= 1 {
                    var start = 0
                    while start < size {
                        for j in 0..<half {
                            let wr = cb[j * step], wi = -sb[j * step]
                            let ar = re + (start + j) * stride + c0, ai = im + (start + j) * stride + c0
                            let br = re + (start + j + half) * stride + c0, bi = im + (start + j + half) * stride + c0
                            Self.difButterflies(ar, ai, br, bi, width, wr, wi)
                        }
                        start += 2 * half
                    }
                    half /= 2
                    step *= 2
                }
            }
        }
    }

    /// The inverse x_j = Σ_k X_k e^{+2πijk/size} (no 1/size) of a bit-reversed spectrum, in natural order.
    public func inverse(re: UnsafeMutablePointer<Double>, im: UnsafeMutablePointer<Double>, stride: Int, columns: Range<Int>) {
        guard !columns.isEmpty else { return }
        let c0 = columns.lowerBound, width = columns.count
        var half = 1, step = size / 2
        cosines.withUnsafeBufferPointer { cb in
            sines.withUnsafeBufferPointer { sb in
                while half < size {
                    var start = 0
                    while start < size {
                        for j in 0..<half {
                            let wr = cb[j * step], wi = sb[j * step]
                            let ar = re + (start + j) * stride + c0, ai = im + (start + j) * stride + c0
                            let br = re + (start + j + half) * stride + c0, bi = im + (start + j + half) * stride + c0
                            Self.ditButterflies(ar, ai, br, bi, width, wr, wi)
                        }
                        start += 2 * half
                    }
                    half *= 2
                    step /= 2
                }
            }
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

    @inline(__always) static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Double>.self)
    }

    @inline(__always) static func store(_ v: SIMD4<Double>, _ p: UnsafeMutablePointer<Double>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD4<Double>.self)
    }

    /// The bit reversal of `k` in log₂(size) bits: the row where `forward` leaves X_k.
    public func bitReversed(_ k: Int) -> Int {
        var r = 0, v = k, bits = size.trailingZeroBitCount
        while bits > 0 { r = r << 1 | v & 1; v >>= 1; bits -= 1 }
        return r
    }
}
