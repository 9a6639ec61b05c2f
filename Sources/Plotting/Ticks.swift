import Foundation

/// One labelled mark on an axis.
public struct Tick: Equatable, Sendable {
    /// The data value the tick marks.
    public var value: Double
    /// Its text, as drawn beside the axis.
    public var label: String
}

/// "Nice" tick values: round numbers (1, 2 or 5 times a power of ten) that people read at a glance.
public enum Ticks {
    /// Ticks inside `[lower, upper]` (lower < upper, both finite) spaced by the smallest nice step
    /// giving at most `maxIntervals` intervals over the range; `integerStep` keeps the step ≥ 1
    /// (for epochs and counts). Labels show just the decimals the step needs.
    public static func linear(from lower: Double, to upper: Double, maxIntervals: Int = 6,
                              integerStep: Bool = false) -> [Tick] {
        precondition(lower.isFinite && upper.isFinite && lower < upper, "Ticks.linear: need finite lower < upper")
        var step = niceStep(atLeast: (upper - lower) / Double(max(1, maxIntervals)))
        if integerStep { step = max(1, step) }
        let first = (lower / step - 1e-9).rounded(.up), last = (upper / step + 1e-9).rounded(.down)
        guard first <= last else { return [] }
        let decimals = max(0, -Int((log10(step) + 1e-9).rounded(.down)))
        let extreme = max(abs(lower), abs(upper)) >= 1e6 || step < 1e-5
        // Below 1 the step is 1/n for a whole n, and k / n is the closest double to the decimal.
        let inverse = (1 / step).rounded()
        return stride(from: first, through: last, by: 1).map { k in
            let value = k == 0 ? 0 : step < 1 ? k / inverse : k * step
            return Tick(value: value, label: extreme ? compact(value) : String(format: "%.\(decimals)f", value))
        }
    }

    /// Ticks for a logarithmic axis over `[lower, upper]` (0 < lower < upper): powers of ten when
    /// the range spans three or more of them (every n-th power when there are many), else the
    /// densest of 1…9 or 1-2-5 multiples of powers of ten giving 3 to `maxIntervals + 1` ticks,
    /// else (a narrow range) linear ticks.
    public static func logarithmic(from lower: Double, to upper: Double, maxIntervals: Int = 6) -> [Tick] {
        precondition(lower > 0 && upper.isFinite && lower < upper, "Ticks.logarithmic: need 0 < lower < upper")
        let firstPower = Int((log10(lower) - 1e-9).rounded(.up)), lastPower = Int((log10(upper) + 1e-9).rounded(.down))
        let powers = firstPower <= lastPower ? Array(firstPower...lastPower) : []
        if powers.count >= 3 {
            let every = max(1, (powers.count - 1 + maxIntervals - 1) / maxIntervals)
            return powers.filter { ($0 - firstPower) % every == 0 }.map { tick(decimal(1, $0)) }
        }
        // The densest of 1-9 or 1-2-5 multiples of powers of ten that fits in maxIntervals.
        let digitsThenOneTwoFive: [[Double]] = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5]]
        for factors in digitsThenOneTwoFive {
            var multiples: [Double] = []
            for power in (firstPower - 1)...(lastPower + 1) {
                for factor in factors {
                    let value = decimal(factor, power)
                    if value >= lower * (1 - 1e-9) && value <= upper * (1 + 1e-9) { multiples.append(value) }
                }
            }
            if multiples.count >= 3 && multiples.count <= maxIntervals + 1 { return multiples.map(tick) }
        }
        return linear(from: lower, to: upper, maxIntervals: maxIntervals)
    }

    /// The smallest of 1, 2, 5 or 10 times a power of ten that is ≥ `raw` (> 0).
    static func niceStep(atLeast raw: Double) -> Double {
        let magnitude = pow(10, log10(raw).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 + 1e-9 ? 1 : fraction <= 2 + 1e-9 ? 2 : fraction <= 5 + 1e-9 ? 5 : 10
        return nice * magnitude
    }

    /// `factor` × 10^`power` as the closest double (dividing for negative powers keeps 0.003 exact).
    private static func decimal(_ factor: Double, _ power: Int) -> Double {
        power < 0 ? factor / pow(10, Double(-power)) : factor * pow(10, Double(power))
    }

    private static func tick(_ value: Double) -> Tick {
        Tick(value: value, label: compact(value))
    }

    /// Up to four significant digits, exponent written short (`1e-5`, `2.5e6`).
    static func compact(_ value: Double) -> String {
        var text = String(format: "%.4g", value)
        if let e = text.firstIndex(of: "e") {
            let mantissa = text[..<e]
            var exponent = String(text[text.index(after: e)...])
            let negative = exponent.hasPrefix("-")
            exponent = String(exponent.drop { $0 == "+" || $0 == "-" || $0 == "0" })
            text = "\(mantissa)e\(negative ? "-" : "")\(exponent)"
        }
        return text
    }
}
