import Plotting
import XCTest

final class TicksTests: XCTestCase {
    private func labels(_ ticks: [Tick]) -> [String] { ticks.map(\.label) }

    func testUnitRange() {
        XCTAssertEqual(labels(Ticks.linear(from: 0, to: 1, maxIntervals: 5)), ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    func testEpochsStayWhole() {
        XCTAssertEqual(labels(Ticks.linear(from: 0.5, to: 25.5, maxIntervals: 6, integerStep: true)),
                       ["5", "10", "15", "20", "25"])
        XCTAssertEqual(labels(Ticks.linear(from: 0.9, to: 2.1, maxIntervals: 6, integerStep: true)), ["1", "2"])
    }

    func testNegativeRangeHasCleanZero() {
        XCTAssertEqual(labels(Ticks.linear(from: -7.3, to: 12.9, maxIntervals: 5)), ["-5", "0", "5", "10"])
    }

    func testSmallSpanFarFromZero() {
        XCTAssertEqual(labels(Ticks.linear(from: 0.01234, to: 0.01251, maxIntervals: 4)),
                       ["0.01235", "0.01240", "0.01245", "0.01250"])
    }

    func testLargeValuesUseShortExponents() {
        XCTAssertEqual(labels(Ticks.linear(from: 0, to: 3e6, maxIntervals: 3)), ["0", "1e6", "2e6", "3e6"])
    }

    func testTickValuesAreTheClosestDoublesToTheirDecimals() {
        let ticks = Ticks.linear(from: 0.1, to: 0.7, maxIntervals: 6)
        XCTAssertEqual(ticks.map(\.value), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
        XCTAssertEqual(labels(ticks), ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"])
    }

    func testLogarithmicOverManyDecadesUsesPowers() {
        XCTAssertEqual(labels(Ticks.logarithmic(from: 3e-5, to: 2.0)), ["0.0001", "0.001", "0.01", "0.1", "1"])
        XCTAssertEqual(labels(Ticks.logarithmic(from: 1e-9, to: 1e3, maxIntervals: 6)), ["1e-9", "1e-7", "1e-5", "0.001", "0.1", "10", "1000"])
    }

    func testLogarithmicOverFewDecadesUses125() {
        XCTAssertEqual(labels(Ticks.logarithmic(from: 0.015, to: 0.3)), ["0.02", "0.05", "0.1", "0.2"])
    }

    func testLogarithmicUnderADecadeUsesEveryDigitWhenItFits() {
        XCTAssertEqual(labels(Ticks.logarithmic(from: 0.0021, to: 0.0115, maxIntervals: 8)),
                       ["0.003", "0.004", "0.005", "0.006", "0.007", "0.008", "0.009", "0.01"])
    }

    func testLogarithmicOverANarrowRangeFallsBackToLinear() {
        XCTAssertEqual(labels(Ticks.logarithmic(from: 0.0105, to: 0.0131, maxIntervals: 5)),
                       ["0.011", "0.012", "0.013"])
    }
}
