import Foundation
import XCTest

/// Skips that cannot hide a broken CI. A test may skip only because this machine lacks something it
/// needs; when CI (`CI=true`) is expected to provide that thing, its absence is a failure instead.
/// Skips are counted and named in Scripts/test-summary.sh's closing lines.
public enum Requirements {
    /// Whether the suite runs in CI (`CI=true` in the environment).
    public static var inCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether CI has installed the Debian Fashion-MNIST package: Scripts/setup.sh installs it unless
    /// `N2D_NO_FASHION=1`.
    public static var fashionMNISTExpected: Bool {
        inCI && ProcessInfo.processInfo.environment["N2D_NO_FASHION"] != "1"
    }
}

/// A requirement CI provides was missing under `CI=true`.
public struct MissingInCI: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "\(reason) — CI=true, where this is provided, so it is a failure, not a skip" }
}

/// What to throw when the machine lacks `reason`'s thing: an `XCTSkip` (counted as skipped), or, when
/// `expectedInCI` and the suite runs in CI, `MissingInCI` (the test fails).
public func skipOrFailInCI(_ reason: String, expectedInCI: Bool = Requirements.inCI) -> Error {
    expectedInCI ? MissingInCI(reason: reason) : XCTSkip(reason)
}
