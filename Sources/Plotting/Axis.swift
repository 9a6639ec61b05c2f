import Foundation

/// One axis of a chart: the data range it shows (padded a little so marks at the extremes stay
/// inside the frame), linear or logarithmic, and how it places values and ticks.
struct Axis {
    /// The shown range, in axis space (log10 of the value on a logarithmic axis).
    let lower: Double
    let upper: Double
    let logarithmic: Bool
    /// Ticks keep a step ≥ 1 (the data are whole numbers).
    let integerStep: Bool

    /// An axis covering `values` (non-finite values, and non-positive ones on a logarithmic axis,
    /// are ignored), padded by `padding` × the span on each side. No usable value gives 0…1
    /// (1…10 on a logarithmic axis); a single value v gets v ± 1 when whole, else v ± 10 % (± 0.5
    /// around 0, ± half a decade on a logarithmic axis).
    init<Values: Sequence>(covering values: Values, logarithmic: Bool, padding: Double) where Values.Element == Double {
        var low = Double.infinity, high = -Double.infinity, allIntegers = true
        for value in values where value.isFinite && (!logarithmic || value > 0) {
            let v = logarithmic ? log10(value) : value
            low = min(low, v)
            high = max(high, v)
            if value != value.rounded() { allIntegers = false }
        }
        if low > high {
            (low, high) = (0, 1)
        } else if low == high {
            let half = logarithmic ? 0.5 : allIntegers ? 1 : low == 0 ? 0.5 : abs(low) * 0.1
            (low, high) = (low - half, high + half)
        } else {
            let pad = (high - low) * padding
            (low, high) = (low - pad, high + pad)
        }
        lower = low
        upper = high
        self.logarithmic = logarithmic
        integerStep = allIntegers && !logarithmic
    }

    /// Where `value` falls: 0 at the lower end, 1 at the upper end (outside 0…1 when outside the
    /// range); nil for values the axis cannot show.
    func fraction(_ value: Double) -> Double? {
        guard value.isFinite, !logarithmic || value > 0 else { return nil }
        return ((logarithmic ? log10(value) : value) - lower) / (upper - lower)
    }

    /// Nice ticks inside the range, at most `maxIntervals` intervals apart.
    func ticks(maxIntervals: Int) -> [Tick] {
        logarithmic
            ? Ticks.logarithmic(from: pow(10, lower), to: pow(10, upper), maxIntervals: maxIntervals)
            : Ticks.linear(from: lower, to: upper, maxIntervals: maxIntervals, integerStep: integerStep)
    }
}
