/// Where a text's box sits relative to the point it is drawn at, horizontally.
public enum HorizontalAlignment: Sendable {
    case leading, center, trailing
}

/// Where a text's box sits relative to the point it is drawn at, vertically. The box spans the
/// height of capitals and digits: `.bottom` puts the baseline on the point (descenders hang below).
public enum VerticalAlignment: Sendable {
    case top, middle, bottom
}

extension Canvas {
    /// Width in canvas pixels of `text` drawn at `scale` (one font pixel = `scale` canvas pixels).
    public static func textWidth(_ text: String, scale: Int) -> Double {
        let count = text.unicodeScalars.count
        return count == 0 ? 0 : Double((count * BitmapFont.advance - 1) * scale)
    }

    /// Height in canvas pixels of capitals and digits at `scale`.
    public static func textHeight(scale: Int) -> Double {
        Double(BitmapFont.capHeight * scale)
    }

    /// Draws `text` with the built-in bitmap font, each font pixel a `scale` × `scale` square,
    /// its box aligned on `point` (rounded to whole pixels so glyphs stay crisp). `rotated` turns
    /// the text a quarter turn counter-clockwise (reading upwards, as a y-axis label); the
    /// alignment then applies to the turned box.
    public mutating func text(_ text: String, at point: Point, scale: Int = 2, color: Color = .black,
                              horizontal: HorizontalAlignment = .leading, vertical: VerticalAlignment = .top,
                              rotated: Bool = false) {
        let run = Canvas.textWidth(text, scale: scale), height = Canvas.textHeight(scale: scale)
        let (boxWidth, boxHeight) = rotated ? (height, run) : (run, height)
        var left = point.x, top = point.y
        switch horizontal {
        case .leading: break
        case .center: left -= boxWidth / 2
        case .trailing: left -= boxWidth
        }
        switch vertical {
        case .top: break
        case .middle: top -= boxHeight / 2
        case .bottom: top -= boxHeight
        }
        left = left.rounded()
        top = top.rounded()
        let size = Double(scale)
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let glyphLeft = Double(index * BitmapFont.advance * scale)
            for (row, mask) in BitmapFont.glyph(scalar).enumerated() where mask != 0 {
                for column in 0..<5 where mask & (0x10 >> UInt8(column)) != 0 {
                    // Position along the text run and down from the cap line, in canvas pixels.
                    let along = glyphLeft + Double(column * scale), down = Double(row * scale)
                    let origin = rotated ? Point(x: left + down, y: top + run - along - size)
                                         : Point(x: left + along, y: top + down)
                    fill(Rect(x: origin.x, y: origin.y, width: size, height: size), color: color)
                }
            }
        }
    }
}
