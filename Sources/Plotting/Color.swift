/// An sRGB colour with an opacity used when it is painted over what is already there.
public struct Color: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    /// 1 = opaque, 0 = invisible; painting blends `opacity × self + (1 − opacity) × below`.
    public var opacity: Double

    public init(red: UInt8, green: UInt8, blue: UInt8, opacity: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.opacity = opacity
    }

    /// A grey of the given level (0 black … 255 white).
    public init(gray level: UInt8, opacity: Double = 1) {
        self.init(red: level, green: level, blue: level, opacity: opacity)
    }

    /// The same colour with another opacity.
    public func withOpacity(_ opacity: Double) -> Color {
        Color(red: red, green: green, blue: blue, opacity: opacity)
    }

    public var description: String {
        opacity == 1 ? "rgb(\(red), \(green), \(blue))" : "rgba(\(red), \(green), \(blue), \(opacity))"
    }

    public static let white = Color(gray: 255)
    public static let black = Color(gray: 0)
}
