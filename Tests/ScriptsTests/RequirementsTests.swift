import Foundation
import TestSupport
import XCTest

/// `skipOrFailInCI` (Tests/TestSupport/Requirements.swift): a missing thing is a skip, unless CI is
/// expected to provide it; `CI=true` and `N2D_NO_FASHION=1` are read from the environment.
final class RequirementsTests: XCTestCase {
    func testAMissingThingIsASkipUnlessCIProvidesIt() {
        XCTAssertTrue(skipOrFailInCI("no widget", expectedInCI: false) is XCTSkip)
        let failure = skipOrFailInCI("no widget", expectedInCI: true)
        XCTAssertFalse(failure is XCTSkip)
        XCTAssertTrue("\(failure)".contains("no widget") && "\(failure)".contains("CI=true"), "\(failure)")
    }

    func testCIAndTheFashionMNISTOptOutComeFromTheEnvironment() {
        let saved = ["CI", "N2D_NO_FASHION"].map { ($0, ProcessInfo.processInfo.environment[$0]) }
        defer { for (name, value) in saved { if let value { setenv(name, value, 1) } else { unsetenv(name) } } }
        unsetenv("CI")
        unsetenv("N2D_NO_FASHION")
        XCTAssertFalse(Requirements.inCI)
        XCTAssertFalse(Requirements.fashionMNISTExpected)
        XCTAssertTrue(skipOrFailInCI("no widget") is XCTSkip, "outside CI a missing thing is a skip")
        setenv("CI", "true", 1)
        XCTAssertTrue(Requirements.inCI)
        XCTAssertTrue(Requirements.fashionMNISTExpected, "Scripts/setup.sh installs Fashion-MNIST in CI")
        XCTAssertFalse(skipOrFailInCI("no widget") is XCTSkip, "in CI a missing thing is a failure by default")
        setenv("N2D_NO_FASHION", "1", 1)
        XCTAssertFalse(Requirements.fashionMNISTExpected, "N2D_NO_FASHION=1 opts out of the package")
    }
}
