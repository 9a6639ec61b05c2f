import Foundation
import Plotting

/// Charts shaped like the pipeline's: loss curves and 2-d maps of tens of thousands of points.
enum SampleCharts {
    static func all() -> [(String, Chart)] {
        [("loss", loss(logarithmic: false)), ("loss-log", loss(logarithmic: true)),
         ("dbscan", clusters(points: 50_000, clusters: 5, noise: 0.08)),
         ("classes", clusters(points: 25_000, clusters: 18, noise: 0))]
    }

    /// A deterministic uniform number in [0, 1).
    private struct Generator {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            (-2 * log(1 - next())).squareRoot() * cos(2 * Double.pi * next())
        }
    }

    private static func loss(logarithmic: Bool) -> LineChart {
        var chart = LineChart(title: "Autoencoder loss", xLabel: "epoch", yLabel: "mean squared error",
                              logarithmicY: logarithmic)
        let epochs = (1...25).map(Double.init)
        chart.addSeries(name: "training", x: epochs, y: epochs.map { 0.0021 + 0.012 * exp(-$0 / 3) })
        chart.addSeries(name: "validation", x: epochs, y: epochs.map { 0.0026 + 0.011 * exp(-$0 / 3.5) + 0.00002 * $0 })
        return chart
    }

    private static func clusters(points: Int, clusters: Int, noise: Double) -> ScatterPlot {
        var random = Generator(state: 13)
        let centres = (0..<clusters).map { _ in (random.next() * 20 - 5, random.next() * 16 - 3) }
        var x: [Float] = [], y: [Float] = [], labels: [Int] = []
        for _ in 0..<points {
            if random.next() < noise {
                labels.append(-1)
                x.append(Float(random.next() * 24 - 7))
                y.append(Float(random.next() * 20 - 5))
            } else {
                let k = min(clusters - 1, Int(pow(random.next(), 1.5) * Double(clusters)))
                labels.append(k)
                x.append(Float(centres[k].0 + random.normal() * 0.9))
                y.append(Float(centres[k].1 + random.normal() * 0.6))
            }
        }
        let title = noise > 0 ? "UMAP of the codes, DBSCAN clusters" : "UMAP of the codes, true classes"
        let names = noise > 0 ? [:] : Dictionary(uniqueKeysWithValues: (0..<clusters).map { ($0, "class \($0)") })
        return ScatterPlot(title: title, xLabel: "UMAP 1", yLabel: "UMAP 2", x: x, y: y, labels: labels, labelNames: names)
    }
}
