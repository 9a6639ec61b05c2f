/// Sizes shared by every chart, in canvas pixels.
enum ChartStyle {
    static let margin = 20.0
    static let textScale = 2
    static let titleScale = 3
    static let tickLength = 6.0
    static let gap = 8.0
    static let ink = Color(gray: 40)
    static let frame = Color(gray: 70)
    static let grid = Color(gray: 232)
}

/// Where a chart puts its parts: the plot area (the framed rectangle data are drawn in), the
/// ticks chosen for each axis, and the mapping from data values to canvas pixels. Tick counts
/// shrink until neighbouring labels keep clear of each other.
public struct ChartLayout {
    public let width: Int
    public let height: Int
    /// The framed rectangle data are drawn in (whole pixels).
    public let plotArea: Rect
    public let xTicks: [Tick]
    public let yTicks: [Tick]
    let xAxis: Axis
    let yAxis: Axis
    let title: String
    let xLabel: String
    let yLabel: String

    /// Lays out a `width` × `height` chart; `rightReserve` pixels on the right are kept free (for
    /// a legend beside the plot).
    init(width: Int, height: Int, title: String, xLabel: String, yLabel: String,
         xAxis: Axis, yAxis: Axis, rightReserve: Double = 0) {
        typealias S = ChartStyle
        let textHeight = Canvas.textHeight(scale: S.textScale)
        let top = S.margin + (title.isEmpty ? textHeight / 2 : Canvas.textHeight(scale: S.titleScale) + 2 * S.gap)
        let bottom = S.margin + (xLabel.isEmpty ? 0 : textHeight + 1.5 * S.gap) + textHeight + S.gap + S.tickLength
        let areaHeight = (Double(height) - top - bottom).rounded()

        var yTicks: [Tick] = []
        for intervals in stride(from: max(2, min(10, Int(areaHeight / 70))), through: 1, by: -1) {
            yTicks = yAxis.ticks(maxIntervals: intervals)
            let positions = yTicks.compactMap { yAxis.fraction($0.value) }.map { $0 * areaHeight }
            if zip(positions, positions.dropFirst()).allSatisfy({ abs($1 - $0) >= 2.5 * textHeight }) { break }
        }
        let widestY = yTicks.map { Canvas.textWidth($0.label, scale: S.textScale) }.max() ?? 0
        // The turned y label's descenders hang towards the tick labels.
        let descender = Double((BitmapFont.fullHeight - BitmapFont.capHeight) * S.textScale)
        let left = S.margin + (yLabel.isEmpty ? 0 : textHeight + descender + 1.5 * S.gap) + widestY + S.gap + S.tickLength
        let right = S.margin + 12 + rightReserve
        let areaWidth = (Double(width) - left.rounded() - right).rounded()

        var xTicks: [Tick] = []
        for intervals in stride(from: max(2, min(10, Int(areaWidth / 90))), through: 1, by: -1) {
            xTicks = xAxis.ticks(maxIntervals: intervals)
            let placed = xTicks.compactMap { tick in
                xAxis.fraction(tick.value).map { ($0 * areaWidth, Canvas.textWidth(tick.label, scale: S.textScale)) }
            }
            if zip(placed, placed.dropFirst()).allSatisfy({ $1.0 - $0.0 >= ($0.1 + $1.1) / 2 + 2 * S.gap }) { break }
        }

        self.width = width
        self.height = height
        plotArea = Rect(x: left.rounded(), y: top.rounded(), width: max(1, areaWidth), height: max(1, areaHeight))
        self.xTicks = xTicks
        self.yTicks = yTicks
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// The canvas position of data point (`x`, `y`); nil when an axis cannot show the value
    /// (not finite, or not positive on a logarithmic axis). Points outside the axis ranges map
    /// outside the plot area.
    public func point(x: Double, y: Double) -> Point? {
        guard let fx = xAxis.fraction(x), let fy = yAxis.fraction(y) else { return nil }
        return Point(x: plotArea.x + fx * plotArea.width, y: plotArea.maxY - fy * plotArea.height)
    }

    /// Draws everything but the data and the legend: grid, frame, ticks, tick labels, axis
    /// labels and title.
    func drawFrame(on canvas: inout Canvas) {
        typealias S = ChartStyle
        let area = plotArea, textHeight = Canvas.textHeight(scale: S.textScale)
        // 1-pixel lines are centred on half pixels so they stay sharp.
        func sharp(_ v: Double) -> Double { (v - 0.5).rounded() + 0.5 }
        for tick in xTicks {
            guard let f = xAxis.fraction(tick.value) else { continue }
            let x = sharp(area.x + f * area.width)
            canvas.line(from: Point(x: x, y: area.y), to: Point(x: x, y: area.maxY), color: S.grid)
            canvas.line(from: Point(x: x, y: area.maxY), to: Point(x: x, y: area.maxY + S.tickLength), color: S.frame)
            canvas.text(tick.label, at: Point(x: x, y: area.maxY + S.tickLength + S.gap), scale: S.textScale,
                        color: S.ink, horizontal: .center)
        }
        for tick in yTicks {
            guard let f = yAxis.fraction(tick.value) else { continue }
            let y = sharp(area.maxY - f * area.height)
            canvas.line(from: Point(x: area.x, y: y), to: Point(x: area.maxX, y: y), color: S.grid)
            canvas.line(from: Point(x: area.x - S.tickLength, y: y), to: Point(x: area.x, y: y), color: S.frame)
            canvas.text(tick.label, at: Point(x: area.x - S.tickLength - S.gap, y: y), scale: S.textScale,
                        color: S.ink, horizontal: .trailing, vertical: .middle)
        }
        canvas.stroke(Rect(x: area.x - 1, y: area.y - 1, width: area.width + 2, height: area.height + 2), color: S.frame)
        if !xLabel.isEmpty {
            let top = area.maxY + S.tickLength + S.gap + textHeight + 1.5 * S.gap
            canvas.text(xLabel, at: Point(x: area.midX, y: top), scale: S.textScale,
                        color: S.ink, horizontal: .center)
        }
        if !yLabel.isEmpty {
            canvas.text(yLabel, at: Point(x: S.margin, y: area.midY), scale: S.textScale,
                        color: S.ink, vertical: .middle, rotated: true)
        }
        if !title.isEmpty {
            // Centred over the plot area, shifted left where it would run off the image.
            let titleWidth = Canvas.textWidth(title, scale: S.titleScale)
            let left = max(S.margin, min(area.midX - titleWidth / 2, Double(width) - S.margin - titleWidth))
            canvas.text(title, at: Point(x: left, y: S.margin), scale: S.titleScale, color: .black)
        }
    }
}
