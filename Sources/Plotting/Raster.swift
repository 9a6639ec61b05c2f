/// A finished RGB image: 8 bits per channel, rows from the top, 3 bytes per pixel.
public struct Raster: Sendable {
    public let width: Int
    public let height: Int
    /// `width × height × 3` bytes, red-green-blue per pixel, row by row from the top.
    public internal(set) var pixels: [UInt8]

    /// An image filled with `background` (its opacity is ignored).
    public init(width: Int, height: Int, background: Color = .white) {
        precondition(width > 0 && height > 0, "Raster: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        let count = width * height * 3
        pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in stride(from: 0, to: count, by: 3) {
                buffer[i] = background.red
                buffer[i + 1] = background.green
                buffer[i + 2] = background.blue
            }
            initialized = count
        }
    }

    /// The colour at column `x`, row `y` (0-based from the top left).
    public func pixel(x: Int, y: Int) -> Color {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "Raster.pixel: (\(x), \(y)) is outside the image")
        let i = (y * width + x) * 3
        return Color(red: pixels[i], green: pixels[i + 1], blue: pixels[i + 2])
    }

    /// The image as PNG bytes.
    public func pngData() -> [UInt8] {
        PNG.encode(width: width, height: height, channels: 3, pixels: pixels)
    }
}
