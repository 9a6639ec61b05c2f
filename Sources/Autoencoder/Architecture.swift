/// The shape of a symmetric autoencoder: `input → hidden… → bottleneck → hidden (reversed)… → input`.
///
/// Layer `l` maps `widths[l]` to `widths[l + 1]`. Hidden layers use ReLU; the bottleneck (the last
/// encoder layer) and the output layer are linear. Parameters live in one flat array, layer after
/// layer: the weight `W_l` (`in × out`, row-major, Keras's kernel layout, `y = x·W + b`) then the bias.
public struct Architecture: Equatable, Codable, Sendable, CustomStringConvertible {
    public var inputWidth: Int
    public var hidden: [Int]
    public var bottleneck: Int

    public init(inputWidth: Int, hidden: [Int], bottleneck: Int) {
        self.inputWidth = inputWidth
        self.hidden = hidden
        self.bottleneck = bottleneck
    }

    /// Every layer boundary's width, input first, output last.
    public var widths: [Int] { [inputWidth] + hidden + [bottleneck] + hidden.reversed() + [inputWidth] }
    /// The number of dense layers.
    public var layerCount: Int { 2 * hidden.count + 2 }
    /// The layers `0..<encoderLayerCount` map an input row to its code.
    public var encoderLayerCount: Int { hidden.count + 1 }

    /// Whether layer `l` is linear (the bottleneck or the output); the others apply ReLU.
    public func isLinear(_ l: Int) -> Bool { l == encoderLayerCount - 1 || l == layerCount - 1 }

    /// Where layer `l`'s weights start in the flat parameter array.
    public func weightOffset(_ l: Int) -> Int {
        let w = widths
        return (0..<l).reduce(0) { $0 + w[$1] * w[$1 + 1] + w[$1 + 1] }
    }

    /// Where layer `l`'s bias starts in the flat parameter array.
    public func biasOffset(_ l: Int) -> Int { weightOffset(l) + widths[l] * widths[l + 1] }

    /// The number of weights and biases.
    public var parameterCount: Int { weightOffset(layerCount) }

    /// The parameter count when every width is positive and the count fits in an Int; nil for an
    /// architecture no real file can hold (a checkpoint header is validated with it before reading).
    public var checkedParameterCount: Int? {
        let w = widths
        guard w.allSatisfy({ $0 > 0 }) else { return nil }
        var total = 0
        for l in 0..<layerCount {
            let (weights, o1) = w[l].multipliedReportingOverflow(by: w[l + 1])
            let (layer, o2) = weights.addingReportingOverflow(w[l + 1])
            let (sum, o3) = total.addingReportingOverflow(layer)
            guard !o1, !o2, !o3 else { return nil }
            total = sum
        }
        return total
    }

    /// "5000-1024-512-256-10-256-512-1024-5000".
    public var description: String { widths.map(String.init).joined(separator: "-") }
}
