import Plotting
import XCTest

final class LegendPlacementTests: XCTestCase {
    /// Whether the legend sits in the given inner corner: the pixel where its box's top-left
    /// corner would be has the legend border colour.
    private func legendIsAt(top: Bool, right: Bool, of chart: LineChart) -> Bool {
        let area = chart.layout().plotArea, raster = chart.render()
        // A one-series legend is 20 + 30 + 8 + text wide and 34 high (see LegendBox).
        let width = (58 + Canvas.textWidth(chart.series[0].name, scale: 2)).rounded(), height = 34.0
        let x = right ? area.maxX - 12 - width : area.x + 12
        let y = top ? area.y + 12 : area.maxY - 12 - height
        return raster.pixel(x: Int(x.rounded()), y: Int(y.rounded())) == Color(gray: 200)
    }

    func testLegendAvoidsARisingCurve() {
        var falling = LineChart(title: "", xLabel: "epoch", yLabel: "loss")
        falling.addSeries(name: "loss", x: [1, 2, 3, 4], y: [4, 2, 1.5, 1])
        XCTAssertTrue(legendIsAt(top: true, right: true, of: falling), "top right is free above a falling curve")
        var rising = LineChart(title: "", xLabel: "epoch", yLabel: "accuracy")
        rising.addSeries(name: "accuracy", x: [1, 2, 3, 4], y: [0.2, 0.6, 0.8, 0.9])
        XCTAssertTrue(legendIsAt(top: true, right: false, of: rising), "a rising curve pushes the legend to the top left")
    }
}
