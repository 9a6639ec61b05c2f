/// The per-sample gradients of UMAP's layout, shared by the fit (`LayoutOptimizer`) and the transform:
/// the attraction coefficient of a positive sample, the repulsion coefficient of a negative sample
/// (umap-learn's gamma = 1) for the squared embedding distance d² > 0, and umap-learn's clip of each
/// gradient component to ±4.
enum LayoutGradient {
    /// −2ab·d^{2(b−1)} / (1 + a·d^{2b}).
    @inline(__always)
    static func attraction(squared: Float, a: Float, b: Float) -> Float {
        let pb = fastPower(squared, b)
        return -2 * a * b * (pb / squared) / (a * pb + 1)
    }

    /// 2b / ((0.001 + d²)(1 + a·d^{2b})).
    @inline(__always)
    static func repulsion(squared: Float, a: Float, b: Float) -> Float {
        2 * b / ((0.001 + squared) * (a * fastPower(squared, b) + 1))
    }

    /// The component clipped to [−4, 4].
    @inline(__always)
    static func clip(_ value: Float) -> Float { min(max(value, -4), 4) }
}
