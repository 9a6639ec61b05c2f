/// One line of a chart's legend.
public struct LegendEntry: Equatable, Sendable {
    /// The text shown.
    public var text: String
    /// The swatch colour; nil for a text-only line (such as the "+N more" summary).
    public var color: Color?

    public init(text: String, color: Color?) {
        self.text = text
        self.color = color
    }
}

/// A framed box listing legend entries, each with a swatch drawn as a short line with a dot
/// (line charts) or as a dot (scatter plots).
struct LegendBox {
    enum Swatch { case line, dot }

    let entries: [LegendEntry]
    let swatch: Swatch

    private static let padding = 10.0
    private static let rowHeight = Canvas.textHeight(scale: ChartStyle.textScale) + 10
    private var swatchWidth: Double { swatch == .line ? 30 : 14 }

    var width: Double {
        let widest = entries.map { Canvas.textWidth($0.text, scale: ChartStyle.textScale) }.max() ?? 0
        return 2 * LegendBox.padding + swatchWidth + ChartStyle.gap + widest
    }

    var height: Double { 2 * LegendBox.padding + Double(entries.count) * LegendBox.rowHeight - 10 }

    func draw(on canvas: inout Canvas, topLeft: Point) {
        guard !entries.isEmpty else { return }
        let box = Rect(x: topLeft.x.rounded(), y: topLeft.y.rounded(), width: width.rounded(), height: height.rounded())
        canvas.fill(box, color: Color.white.withOpacity(0.9))
        canvas.stroke(box, color: Color(gray: 200))
        let textHeight = Canvas.textHeight(scale: ChartStyle.textScale)
        for (row, entry) in entries.enumerated() {
            let top = box.y + LegendBox.padding + Double(row) * LegendBox.rowHeight
            let middle = top + textHeight / 2
            let left = box.x + LegendBox.padding
            if let color = entry.color {
                switch swatch {
                case .line:
                    canvas.line(from: Point(x: left, y: middle), to: Point(x: left + swatchWidth, y: middle),
                                color: color, width: 2.5)
                    canvas.fillCircle(center: Point(x: left + swatchWidth / 2, y: middle), radius: 4, color: color)
                case .dot:
                    canvas.fillCircle(center: Point(x: left + swatchWidth / 2, y: middle), radius: 6, color: color)
                }
            }
            canvas.text(entry.text, at: Point(x: left + swatchWidth + ChartStyle.gap, y: top),
                        scale: ChartStyle.textScale, color: ChartStyle.ink)
        }
    }
}
