/// Named series of (x, y) points joined by lines — e.g. training and validation loss per epoch —
/// with nice ticks, grid, axis labels, title and a legend in the corner of the plot that hides
/// the least of the lines (top right when free).
///
/// Points whose x or y is not finite (or y ≤ 0 on a logarithmic y axis) are left out, and the
/// line breaks there. Series with at most 60 points also get a dot on each point.
public struct LineChart: Chart {
    /// One named line.
    public struct Series: Sendable {
        public var name: String
        public var x: [Double]
        public var y: [Double]
        public var color: Color
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Plots y on a base-10 logarithmic scale.
    public var logarithmicY: Bool
    /// Image size in pixels.
    public var width = 1000
    public var height = 750
    public private(set) var series: [Series] = []

    public init(title: String, xLabel: String, yLabel: String, logarithmicY: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logarithmicY = logarithmicY
    }

    /// Adds a series (`x` and `y` of equal length), drawn in `color` or else the next palette colour.
    public mutating func addSeries(name: String, x: [Double], y: [Double], color: Color? = nil) {
        precondition(x.count == y.count, "LineChart.addSeries(\(name)): \(x.count) x values but \(y.count) y values")
        series.append(Series(name: name, x: x, y: y,
                             color: color ?? Palette.categorical[series.count % Palette.categorical.count]))
    }

    /// Where the plot area and ticks go for the current data.
    public func layout() -> ChartLayout {
        let shown = series.flatMap { s in zip(s.x, s.y).filter { isShown($0.0, $0.1) } }
        return ChartLayout(width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel,
                           xAxis: Axis(covering: shown.map(\.0), logarithmic: false, padding: 0.02),
                           yAxis: Axis(covering: shown.map(\.1), logarithmic: logarithmicY, padding: 0.05))
    }

    public func render() -> Raster {
        let layout = layout()
        var canvas = Canvas(width: width, height: height)
        layout.drawFrame(on: &canvas)
        canvas.clip = layout.plotArea
        let lines = series.map { s in zip(s.x, s.y).map { isShown($0, $1) ? layout.point(x: $0, y: $1) : nil } }
        for (s, points) in zip(series, lines) {
            for (a, b) in zip(points, points.dropFirst()) {
                if let a, let b { canvas.line(from: a, to: b, color: s.color, width: 2.5) }
            }
            if points.count <= 60 {
                for p in points.compactMap({ $0 }) { canvas.fillCircle(center: p, radius: 4, color: s.color) }
            }
        }
        canvas.clip = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
        let legend = LegendBox(entries: series.map { LegendEntry(text: $0.name, color: $0.color) }, swatch: .line)
        legend.draw(on: &canvas, topLeft: legendCorner(legend, layout.plotArea, lines))
        return canvas.raster()
    }

    /// The inner corner of the plot area (top right, top left, bottom right, bottom left, in that
    /// preference) where the legend covers the fewest points sampled along the lines.
    private func legendCorner(_ legend: LegendBox, _ area: Rect, _ lines: [[Point?]]) -> Point {
        let inset = 12.0
        let (left, right) = (area.x + inset, area.maxX - inset - legend.width)
        let (top, bottom) = (area.y + inset, area.maxY - inset - legend.height)
        let corners = [Point(x: right, y: top), Point(x: left, y: top), Point(x: right, y: bottom), Point(x: left, y: bottom)]
        var samples: [Point] = []
        for points in lines {
            for (a, b) in zip(points, points.dropFirst()) {
                guard let a, let b else { continue }
                samples += stride(from: 0.0, through: 1, by: 0.05).map { t in
                    Point(x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y))
                }
            }
            samples += points.compactMap { $0 }
        }
        func covered(_ corner: Point) -> Int {
            let box = Rect(x: corner.x - 4, y: corner.y - 4, width: legend.width + 8, height: legend.height + 8)
            return samples.filter(box.contains).count
        }
        return corners.min { covered($0) < covered($1) }!
    }

    private func isShown(_ x: Double, _ y: Double) -> Bool {
        x.isFinite && y.isFinite && (!logarithmicY || y > 0)
    }
}
