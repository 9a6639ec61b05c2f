import Randomness
/// Two-dimensional points coloured by an integer label per point (a cluster id, −1 = noise drawn
/// grey, or a true class), with axes, title and a legend beside the plot listing each label's
/// name and point count.
///
/// Markers are small translucent dots so dense regions stay readable; their size and opacity
/// follow the point count unless set. Noise is drawn first, the other points in a fixed
/// pseudo-random order so no label systematically hides another. Points with a non-finite
/// coordinate are left out of the picture (the legend still counts them).
public struct ScatterPlot: Chart {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Image size in pixels.
    public var width = 1000
    public var height = 750
    /// Names shown in the legend (cut to 24 characters); labels without one show as "noise"
    /// (negative) or "cluster k".
    public var labelNames: [Int: String]
    /// Marker radius in pixels; nil picks one from the point count.
    public var markerRadius: Double?
    /// Marker opacity in 0…1; nil picks one from the point count.
    public var markerOpacity: Double?
    /// The most legend lines; beyond it the largest labels are listed and one "+N more" line
    /// sums up the rest. Noise always keeps its line.
    public var legendLimit = 15
    public let x: [Float]
    public let y: [Float]
    public let labels: [Int]

    /// A plot of points (`x[i]`, `y[i]`) with label `labels[i]` (all three of equal length).
    public init(title: String, xLabel: String = "x", yLabel: String = "y",
                x: [Float], y: [Float], labels: [Int], labelNames: [Int: String] = [:]) {
        precondition(x.count == y.count && y.count == labels.count,
                     "ScatterPlot: \(x.count) x, \(y.count) y and \(labels.count) labels must be equally many")
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.x = x
        self.y = y
        self.labels = labels
        self.labelNames = labelNames
    }

    /// The legend lines: labels in increasing order (noise last) as "name (count)", capped at
    /// `legendLimit` lines as described there.
    public func legendEntries() -> [LegendEntry] {
        var counts: [Int: Int] = [:]
        for label in labels { counts[label < 0 ? -1 : label, default: 0] += 1 }
        var shown = Array(counts.keys)
        var hidden: [Int] = []
        if shown.count > legendLimit {
            // Noise first, then by size (ties by label), keep what fits beside the summary line.
            let ranked = shown.sorted { a, b in
                (a < 0) != (b < 0) ? a < 0 : counts[a]! != counts[b]! ? counts[a]! > counts[b]! : a < b
            }
            shown = Array(ranked.prefix(max(0, legendLimit - 1)))
            hidden = Array(ranked.dropFirst(shown.count))
        }
        shown.sort { a, b in (a < 0) != (b < 0) ? b < 0 : a < b }
        var entries = shown.map { label in
            LegendEntry(text: "\(name(of: label)) (\(grouped(counts[label]!)))", color: Palette.color(forLabel: label))
        }
        if !hidden.isEmpty {
            let points = hidden.reduce(0) { $0 + counts[$1]! }
            entries.append(LegendEntry(text: "+\(hidden.count) more (\(grouped(points)))", color: nil))
        }
        return entries
    }

    /// Where the plot area and ticks go for the current data and legend.
    public func layout() -> ChartLayout {
        let legend = LegendBox(entries: legendEntries(), swatch: .dot)
        return ChartLayout(width: width, height: height, title: title, xLabel: xLabel, yLabel: yLabel,
                           xAxis: Axis(covering: x.lazy.map(Double.init), logarithmic: false, padding: 0.03),
                           yAxis: Axis(covering: y.lazy.map(Double.init), logarithmic: false, padding: 0.03),
                           rightReserve: legend.entries.isEmpty ? 0 : legend.width + ChartStyle.margin)
    }

    public func render() -> Raster {
        let layout = layout()
        var canvas = Canvas(width: width, height: height)
        layout.drawFrame(on: &canvas)
        canvas.clip = layout.plotArea
        let radius = markerRadius ?? (labels.count > 20_000 ? 1.8 : labels.count > 2_000 ? 2.5 : 3.5)
        let opacity = markerOpacity ?? (labels.count > 20_000 ? 0.5 : labels.count > 2_000 ? 0.65 : 0.85)
        let colors = Dictionary(uniqueKeysWithValues: Set(labels).map {
            ($0, Palette.color(forLabel: $0).withOpacity(opacity))
        })
        for i in drawingOrder() {
            guard let p = layout.point(x: Double(x[i]), y: Double(y[i])) else { continue }
            canvas.fillCircle(center: p, radius: radius, color: colors[labels[i]]!)
        }
        canvas.clip = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
        LegendBox(entries: legendEntries(), swatch: .dot)
            .draw(on: &canvas, topLeft: Point(x: layout.plotArea.maxX + ChartStyle.margin, y: layout.plotArea.y))
        return canvas.raster()
    }

    /// Noise points first, then the rest in a fixed shuffled order (so no cluster always sits on top).
    private func drawingOrder() -> [Int] {
        let rest = labels.indices.filter { labels[$0] >= 0 }
        var generator = SeededGenerator(seed: 0x9E37_79B9_7F4A_7C15)
        let shuffled = generator.permutation(rest.count).map { rest[$0] }
        return labels.indices.filter { labels[$0] < 0 } + shuffled
    }

    /// The legend name of `label`, cut to 24 characters ("…" shown as "...") so the plot keeps its room.
    private func name(of label: Int) -> String {
        let name = labelNames[label] ?? (label < 0 ? "noise" : "cluster \(label)")
        return name.count > 24 ? name.prefix(21) + "..." : name
    }

    /// `n` with thousands separated by commas.
    private func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        return String(digits.enumerated().flatMap { i, d in
            i > 0 && (digits.count - i) % 3 == 0 ? [",", d] : [d]
        })
    }
}
