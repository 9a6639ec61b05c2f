import Foundation
import Plotting
import XCTest

/// Charts of awkward data (nothing, one point, constant values, NaN, huge label counts) still
/// render, with every shown point inside the plot area.
final class DegenerateDataTests: XCTestCase {
    private func save(_ chart: Chart, _ name: String) throws {
        guard let directory = ProcessInfo.processInfo.environment["N2D_PLOT_SAMPLES"] else { return }
        try chart.write(to: "\(directory)/plots-\(name).png")
    }

    func testEmptyLineChartRendersAFrame() throws {
        let chart = LineChart(title: "No epochs yet", xLabel: "epoch", yLabel: "loss", logarithmicY: true)
        XCTAssertFalse(chart.layout().yTicks.isEmpty)
        XCTAssertEqual(chart.render().width, 1000)
        try save(chart, "edge-empty")
    }

    func testSingleEpochSitsInsideThePlot() throws {
        var chart = LineChart(title: "One epoch", xLabel: "epoch", yLabel: "loss")
        chart.addSeries(name: "training", x: [1], y: [0.25])
        chart.addSeries(name: "validation", x: [1], y: [.nan])
        let layout = chart.layout()
        XCTAssertTrue(layout.plotArea.contains(try XCTUnwrap(layout.point(x: 1, y: 0.25))))
        XCTAssertEqual(layout.xTicks.map(\.label), ["0", "1", "2"])
        try save(chart, "edge-one-epoch")
    }

    func testNaNBreaksTheLine() throws {
        var chart = LineChart(title: "Diverged", xLabel: "epoch", yLabel: "loss")
        chart.addSeries(name: "training", x: [1, 2, 3, 4, 5], y: [3, 2, .nan, 1.5, 1])
        let layout = chart.layout(), raster = chart.render()
        let a = try XCTUnwrap(layout.point(x: 2, y: 2)), b = try XCTUnwrap(layout.point(x: 4, y: 1.5))
        let middle = Point(x: (a.x + b.x) / 2, y: (a.y + b.y) / 2)
        XCTAssertNotEqual(raster.pixel(x: Int(middle.x), y: Int(middle.y)), Palette.categorical[0],
                          "no line joins the points around the NaN")
        try save(chart, "edge-nan")
    }

    func testManyClustersAndNoiseOnlyPlots() throws {
        let n = 3_000
        let x = (0..<n).map { Float($0 % 60) * 0.5 - 200 }, y = (0..<n).map { Float($0 / 60) * 1e4 }
        var many = ScatterPlot(title: "60 clusters", x: x, y: y, labels: (0..<n).map { $0 % 60 })
        many.labelNames = [0: "a rather long cluster name for the legend"]
        XCTAssertEqual(many.legendEntries().count, 15)
        XCTAssertEqual(many.legendEntries().first?.text, "a rather long cluster... (50)")
        let layout = many.layout()
        for i in stride(from: 0, to: n, by: 97) {
            XCTAssertTrue(layout.plotArea.contains(try XCTUnwrap(layout.point(x: Double(x[i]), y: Double(y[i])))))
        }
        try save(many, "edge-many-clusters")
        let noise = ScatterPlot(title: "All noise", x: [1, 1, 1], y: [2, 2, 2], labels: [-1, -1, -1])
        XCTAssertEqual(noise.legendEntries(), [LegendEntry(text: "noise (3)", color: Palette.noise)])
        try save(noise, "edge-noise")
    }
}
