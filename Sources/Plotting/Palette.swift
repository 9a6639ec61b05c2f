/// Colours for categories: twenty hues chosen for this module so that neighbouring labels differ
/// in hue first (labels 0–9: saturated, mid lightness) and then in lightness (labels 10–19: the
/// light or dark variant of a different hue), which keeps up to ~20 classes apart on white.
public enum Palette {
    /// The categorical colours, indexed by label (label `k` uses `categorical[k % 20]`).
    public static let categorical: [Color] = [
        Color(red: 33, green: 102, blue: 204),   // blue
        Color(red: 240, green: 128, blue: 0),    // orange
        Color(red: 34, green: 160, blue: 60),    // green
        Color(red: 214, green: 40, blue: 40),    // red
        Color(red: 130, green: 70, blue: 190),   // purple
        Color(red: 140, green: 86, blue: 60),    // brown
        Color(red: 225, green: 100, blue: 180),  // pink
        Color(red: 0, green: 160, blue: 170),    // teal
        Color(red: 160, green: 160, blue: 20),   // olive
        Color(red: 20, green: 40, blue: 110),    // navy
        Color(red: 250, green: 185, blue: 110),  // peach
        Color(red: 110, green: 170, blue: 240),  // sky
        Color(red: 245, green: 130, blue: 130),  // salmon
        Color(red: 130, green: 210, blue: 110),  // light green
        Color(red: 185, green: 150, blue: 230),  // lavender
        Color(red: 0, green: 100, blue: 60),     // dark green
        Color(red: 170, green: 0, blue: 120),    // magenta
        Color(red: 230, green: 200, blue: 0),    // gold
        Color(red: 200, green: 160, blue: 120),  // tan
        Color(red: 120, green: 20, blue: 30),    // maroon
    ]

    /// The colour of noise points (label −1 and any other negative label).
    public static let noise = Color(gray: 165)

    /// The colour for `label`: noise grey for negative labels, else the categorical colour,
    /// repeating after twenty labels.
    public static func color(forLabel label: Int) -> Color {
        label < 0 ? noise : categorical[label % categorical.count]
    }
}
