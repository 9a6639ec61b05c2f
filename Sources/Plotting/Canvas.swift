/// A raster to draw on, in canvas pixels (x right, y down, fractional positions allowed).
///
/// Drawing happens on an internal grid `oversampling` times finer in each direction; `raster()`
/// averages each block into one output pixel, which anti-aliases edges of lines and markers while
/// shapes aligned to whole canvas pixels (text, axis frames) stay crisp. A shape covers the fine
/// pixels whose centres lie inside it; translucent colours blend over what is below. Nothing is
/// ever drawn outside `clip`.
public struct Canvas {
    public let width: Int
    public let height: Int
    public let oversampling: Int
    /// Drawing is limited to this rectangle (the whole canvas by default).
    public var clip: Rect

    private let fineWidth: Int
    private let fineHeight: Int
    private var fine: [UInt8]

    public init(width: Int, height: Int, background: Color = .white, oversampling: Int = 2) {
        precondition(oversampling >= 1, "Canvas: oversampling must be at least 1")
        self.width = width
        self.height = height
        self.oversampling = oversampling
        clip = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
        fineWidth = width * oversampling
        fineHeight = height * oversampling
        fine = Raster(width: fineWidth, height: fineHeight, background: background).pixels
    }

    /// Paints `rect`.
    public mutating func fill(_ rect: Rect, color: Color) {
        let columns = fineSpan(rect.x, rect.maxX, clip.x, clip.maxX, fineWidth)
        for y in fineSpan(rect.y, rect.maxY, clip.y, clip.maxY, fineHeight) {
            paintRow(y, columns, color)
        }
    }

    /// Paints the outline of `rect`, `lineWidth` thick, inside its edges.
    public mutating func stroke(_ rect: Rect, color: Color, lineWidth: Double = 1) {
        let w = min(lineWidth, rect.width / 2, rect.height / 2)
        fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: w), color: color)
        fill(Rect(x: rect.x, y: rect.maxY - w, width: rect.width, height: w), color: color)
        fill(Rect(x: rect.x, y: rect.y + w, width: w, height: rect.height - 2 * w), color: color)
        fill(Rect(x: rect.maxX - w, y: rect.y + w, width: w, height: rect.height - 2 * w), color: color)
    }

    /// Paints the segment from `start` to `end`, `width` thick with round ends (every fine pixel
    /// within `width / 2` of the segment, each painted once, so translucent lines blend evenly).
    public mutating func line(from start: Point, to end: Point, color: Color, width: Double = 1) {
        let s = Double(oversampling)
        let (ax, ay, bx, by) = (start.x * s, start.y * s, end.x * s, end.y * s)
        let half = width * s / 2
        let (dx, dy) = (bx - ax, by - ay)
        let lengthSquared = dx * dx + dy * dy
        let columns = fineSpan(min(start.x, end.x) - width / 2, max(start.x, end.x) + width / 2,
                               clip.x, clip.maxX, fineWidth)
        for y in fineSpan(min(start.y, end.y) - width / 2, max(start.y, end.y) + width / 2,
                          clip.y, clip.maxY, fineHeight) {
            let py = Double(y) + 0.5
            var first = Int.max, last = Int.min
            for x in columns {
                let px = Double(x) + 0.5
                let t = lengthSquared > 0 ? min(1, max(0, ((px - ax) * dx + (py - ay) * dy) / lengthSquared)) : 0
                let (ex, ey) = (px - (ax + t * dx), py - (ay + t * dy))
                if ex * ex + ey * ey <= half * half {
                    first = min(first, x)
                    last = x
                }
            }
            // The pixels near a segment on one row form one run (the capsule is convex).
            if first <= last { paintRow(y, first..<(last + 1), color) }
        }
    }

    /// Paints a disc.
    public mutating func fillCircle(center: Point, radius: Double, color: Color) {
        let s = Double(oversampling)
        let (cx, cy, r) = (center.x * s, center.y * s, radius * s)
        let columnLimit = fineSpan(clip.x, clip.maxX, clip.x, clip.maxX, fineWidth)
        for y in fineSpan(center.y - radius, center.y + radius, clip.y, clip.maxY, fineHeight) {
            let dy = Double(y) + 0.5 - cy
            let reach = (r * r - dy * dy).squareRoot()
            guard reach.isFinite else { continue }
            let first = clamped((cx - reach - 0.5).rounded(.up), columnLimit.lowerBound, columnLimit.upperBound)
            let last = clamped((cx + reach - 0.5).rounded(.down), columnLimit.lowerBound - 1, columnLimit.upperBound - 1)
            if first <= last { paintRow(y, first..<(last + 1), color) }
        }
    }

    /// The finished image: each output pixel is the mean of its `oversampling²` fine pixels.
    public func raster() -> Raster {
        var image = Raster(width: width, height: height)
        let s = oversampling, area = oversampling * oversampling
        image.pixels.withUnsafeMutableBufferPointer { out in
            fine.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<3 {
                            var sum = 0
                            for fy in (y * s)..<((y + 1) * s) {
                                let rowStart = (fy * fineWidth + x * s) * 3 + c
                                for fx in 0..<s { sum += Int(source[rowStart + fx * 3]) }
                            }
                            out[(y * width + x) * 3 + c] = UInt8((sum + area / 2) / area)
                        }
                    }
                }
            }
        }
        return image
    }

    /// The fine pixels whose centres lie in `[from, to)` (canvas units) and in `[clipFrom, clipTo)`.
    private func fineSpan(_ from: Double, _ to: Double, _ clipFrom: Double, _ clipTo: Double, _ limit: Int) -> Range<Int> {
        let s = Double(oversampling)
        let lo = max(from, clipFrom) * s - 0.5, hi = min(to, clipTo) * s - 0.5
        guard lo.isFinite, hi.isFinite, lo < hi else { return 0..<0 }
        let first = clamped(lo.rounded(.up), 0, limit), end = clamped(hi.rounded(.up), 0, limit)
        return first < end ? first..<end : 0..<0
    }

    /// `value` limited to `[lower, upper]` as an Int (safe for values far outside Int's range).
    private func clamped(_ value: Double, _ lower: Int, _ upper: Int) -> Int {
        Int(min(Double(upper), max(Double(lower), value)))
    }

    /// Blends `color` over the fine pixels `columns` of fine row `y` (already clipped).
    private mutating func paintRow(_ y: Int, _ columns: Range<Int>, _ color: Color) {
        let alpha = max(0, min(1, color.opacity))
        guard alpha > 0 else { return }
        let ink = (Double(color.red), Double(color.green), Double(color.blue))
        let rowStart = y * fineWidth * 3
        fine.withUnsafeMutableBufferPointer { p in
            for x in columns {
                let i = rowStart + x * 3
                if alpha >= 1 {
                    p[i] = color.red
                    p[i + 1] = color.green
                    p[i + 2] = color.blue
                } else {
                    p[i] = UInt8((Double(p[i]) * (1 - alpha) + ink.0 * alpha).rounded())
                    p[i + 1] = UInt8((Double(p[i + 1]) * (1 - alpha) + ink.1 * alpha).rounded())
                    p[i + 2] = UInt8((Double(p[i + 2]) * (1 - alpha) + ink.2 * alpha).rounded())
                }
            }
        }
    }
}
