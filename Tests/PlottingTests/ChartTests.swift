import Foundation
import Plotting
import TestSupport
import XCTest

final class ChartTests: XCTestCase {
    func testLineChartDrawsMarkersFrameAndBackground() throws {
        var chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss")
        chart.addSeries(name: "training", x: [1, 2, 3, 4], y: [0.9, 0.5, 0.3, 0.2])
        let layout = chart.layout()
        let raster = chart.render()
        XCTAssertEqual([raster.width, raster.height], [1000, 750])
        XCTAssertEqual(raster.pixel(x: 2, y: 2), .white)
        let area = layout.plotArea
        XCTAssertEqual(raster.pixel(x: Int(area.x) - 1, y: Int(area.midY) + 3), Color(gray: 70), "frame left edge")
        let point = try XCTUnwrap(layout.point(x: 2, y: 0.5))
        XCTAssertEqual(raster.pixel(x: Int(point.x), y: Int(point.y)), Palette.categorical[0], "marker of (2, 0.5)")
        XCTAssertEqual(layout.xTicks.map(\.label), ["1", "2", "3", "4"], "epochs get whole ticks")
        XCTAssertTrue(area.contains(try XCTUnwrap(layout.point(x: 1, y: 0.9))))
        XCTAssertTrue(area.contains(try XCTUnwrap(layout.point(x: 4, y: 0.2))))
    }

    func testLogarithmicLineChartSkipsValuesItCannotShow() throws {
        var chart = LineChart(title: "", xLabel: "epoch", yLabel: "loss", logarithmicY: true)
        chart.addSeries(name: "loss", x: [1, 2, 3, 4], y: [1, 0.1, 0, 0.001])
        let layout = chart.layout()
        XCTAssertNil(layout.point(x: 3, y: 0))
        XCTAssertEqual(layout.yTicks.map(\.label), ["0.001", "0.01", "0.1", "1"])
        let top = try XCTUnwrap(layout.point(x: 1, y: 1)), bottom = try XCTUnwrap(layout.point(x: 4, y: 0.001))
        let middle = try XCTUnwrap(layout.point(x: 2, y: 0.1))
        XCTAssertEqual(middle.y, top.y + (bottom.y - top.y) / 3, accuracy: 1e-9, "0.1 sits a third of the way down")
        _ = chart.render()
    }

    func testScatterMarkersHaveTheirLabelColours() throws {
        var plot = ScatterPlot(title: "clusters", x: [0, 10, 5, 5], y: [0, 10, 5, 0], labels: [0, 1, -1, 3])
        plot.markerOpacity = 1
        plot.markerRadius = 4
        let layout = plot.layout()
        let raster = plot.render()
        for (x, y, label) in [(0, 0, 0), (10, 10, 1), (5, 5, -1), (5, 0, 3)] as [(Float, Float, Int)] {
            let p = try XCTUnwrap(layout.point(x: Double(x), y: Double(y)))
            XCTAssertEqual(raster.pixel(x: Int(p.x), y: Int(p.y)), Palette.color(forLabel: label), "point (\(x), \(y))")
        }
        XCTAssertEqual(Palette.color(forLabel: -1), Palette.noise)
        XCTAssertGreaterThan(layout.plotArea.maxX + 150, 1000 - 300, "the legend sits right of the plot area")
    }

    func testLegendListsLabelsInOrderWithCounts() {
        let plot = ScatterPlot(title: "", x: [Float](repeating: 0, count: 6), y: [Float](repeating: 0, count: 6),
                               labels: [2, 0, 0, -1, 2, 2], labelNames: [0: "negative"])
        XCTAssertEqual(plot.legendEntries(), [
            LegendEntry(text: "negative (2)", color: Palette.color(forLabel: 0)),
            LegendEntry(text: "cluster 2 (3)", color: Palette.color(forLabel: 2)),
            LegendEntry(text: "noise (1)", color: Palette.noise),
        ])
    }

    func testLegendCapsEntriesAndSumsTheRest() {
        // Labels 0..19 with 100 + label points each, plus 5 noise points.
        var labels = (0..<20).flatMap { [Int](repeating: $0, count: 100 + $0) }
        labels += [Int](repeating: -1, count: 5)
        let zeros = [Float](repeating: 0, count: labels.count)
        let entries = ScatterPlot(title: "", x: zeros, y: zeros, labels: labels).legendEntries()
        XCTAssertEqual(entries.count, 15)
        XCTAssertEqual(entries.first?.text, "cluster 7 (107)", "the 13 largest clusters (7...19) are listed")
        XCTAssertEqual(entries[12].text, "cluster 19 (119)")
        XCTAssertEqual(entries[13].text, "noise (5)")
        XCTAssertEqual(entries[14], LegendEntry(text: "+7 more (721)", color: nil), "clusters 0...6 hold 721 points")
    }

    func testWriteReplacesTheFileAtomically() throws {
        let directory = TestPaths.temporaryDirectory("plot")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("map.png").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        var plot = ScatterPlot(title: "t", x: [1, 2], y: [3, 4], labels: [0, 1])
        plot.width = 400
        plot.height = 300
        try plot.write(to: path)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), plot.pngData())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["map.png"], "no temporary file is left")
    }

    func testWriteIntoAMissingDirectoryNamesThePath() {
        let path = "/nonexistent-\(UUID().uuidString)/loss.png"
        XCTAssertThrowsError(try LineChart(title: "", xLabel: "", yLabel: "").write(to: path)) { error in
            XCTAssertTrue("\(error)".contains(path), "\(error)")
            XCTAssertTrue("\(error)".contains("No such file or directory"), "\(error)")
        }
    }

    /// Realistic charts (50,000 points, 25 epochs, 18 classes) render to valid PNG files. They are
    /// kept in $N2D_PLOT_SAMPLES when set, so people can look at them.
    func testSampleChartsRenderToValidFiles() throws {
        let keep = ProcessInfo.processInfo.environment["N2D_PLOT_SAMPLES"]
        let directory = keep.map { URL(fileURLWithPath: $0) } ?? TestPaths.temporaryDirectory("plot-samples")
        defer { if keep == nil { try? FileManager.default.removeItem(at: directory) } }
        for (name, chart) in SampleCharts.all() {
            let path = directory.appendingPathComponent("plots-\(name).png").path
            try chart.write(to: path)
            let png = try DecodedPNG(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            XCTAssertTrue(png.chunks.allSatisfy(\.crcMatches), name)
            XCTAssertEqual(png.scanlines.count, png.height * (1 + png.width * 3), name)
        }
    }
}
