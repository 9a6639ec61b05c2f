import CKernels
import LinearAlgebra
import Foundation

/// Adam's hyper-parameters; the defaults are Keras's.
public struct AdamSettings: Equatable, Codable, Sendable {
    public var learningRate: Float = 1e-3
    public var beta1: Double = 0.9
    public var beta2: Double = 0.999
    public var epsilon: Float = 1e-7

    public init(learningRate: Float = 1e-3) { self.learningRate = learningRate }

    /// Keras's step size for step `t` (1-based) at learning rate `rate`:
    /// `rate · √(1 − β2^t) / (1 − β1^t)`, the bias correction folded into the rate.
    public func alpha(step t: Int, rate: Float) -> Float {
        Float(Double(rate) * (1 - pow(beta2, Double(t))).squareRoot() / (1 - pow(beta1, Double(t))))
    }
}

/// The Adam update in Keras's form, per element:
/// `m += (g − m)(1 − β1)`, `v += (g² − v)(1 − β2)`, `w −= α_t·m / (√v + ε)`.
///
/// One kernel serves the eager update and the lazy catch-up: it applies a run of steps to a range,
/// with the gradient on the last step only and zero before it. A step with zero gradient is the very
/// same arithmetic as the eager update of an untouched element, so catching a row up late gives
/// bit-identical results while reading and writing its memory once. The loop is C (`CKernels`):
/// Swift computes a SIMD vector's square root one lane at a time.
enum AdamKernel {
    /// Applies `alphas.count` steps to `w`, `m`, `v` over `count` elements; `g` (if any) is the last
    /// step's gradient, earlier steps see zero.
    @inline(__always)
    static func apply(w: UnsafeMutablePointer<Float>, m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
                      g: UnsafePointer<Float>?, count: Int, alphas: UnsafeBufferPointer<Float>,
                      c1: Float, c2: Float, epsilon: Float) {
        guard let first = alphas.baseAddress, !alphas.isEmpty else { return }
        ck_adam_apply(w, m, v, g, count, first, alphas.count, c1, c2, epsilon)
    }
}

/// Adam's state over a flat parameter array, with lazy rows for one block (the sparse first layer's
/// weights): a row the batch did not touch is left as is and caught up exactly when it is next read
/// (`catchUp`) or updated (`update(row:)`), or at `flush`.
public final class AdamOptimizer {
    public let settings: AdamSettings
    /// First and second moments, one per parameter.
    public let m: FloatBuffer
    public let v: FloatBuffer
    /// Completed steps.
    public private(set) var step: Int
    /// `alphas[t]` is step t's rate (index 0 unused); kept so late rows replay the steps they missed.
    private var alphas: [Float]
    /// The lazy block: `lazyRows` rows of `lazyWidth` parameters starting at `lazyOffset`.
    public let lazyOffset: Int, lazyRows: Int, lazyWidth: Int
    /// The step each lazy row's state reflects (raw storage: distinct rows are written concurrently).
    private let rowStep: UnsafeMutablePointer<Int32>
    private let c1: Float, c2: Float

    /// A fresh optimizer (zero moments) or one resumed from saved moments after `step` steps.
    public convenience init(settings: AdamSettings, parameterCount: Int, lazyOffset: Int = 0, lazyRows: Int = 0, lazyWidth: Int = 0,
                            moments: (m: [Float], v: [Float])? = nil, step: Int = 0) {
        self.init(settings: settings, m: moments.map { FloatBuffer($0.m) } ?? FloatBuffer(count: parameterCount),
                  v: moments.map { FloatBuffer($0.v) } ?? FloatBuffer(count: parameterCount),
                  lazyOffset: lazyOffset, lazyRows: lazyRows, lazyWidth: lazyWidth, step: step)
    }

    /// An optimizer over moments held in `m` and `v` (e.g. memory shared by a machine's ranks), which
    /// must reflect `step` completed steps.
    public init(settings: AdamSettings, m: FloatBuffer, v: FloatBuffer, lazyOffset: Int = 0, lazyRows: Int = 0,
                lazyWidth: Int = 0, step: Int = 0) {
        self.settings = settings
        self.m = m
        self.v = v
        self.step = step
        alphas = [Float](repeating: 0, count: step + 1)
        self.lazyOffset = lazyOffset
        self.lazyRows = lazyRows
        self.lazyWidth = lazyWidth
        rowStep = .allocate(capacity: max(lazyRows, 1))
        rowStep.initialize(repeating: Int32(step), count: max(lazyRows, 1))
        c1 = Float(1 - settings.beta1)
        c2 = Float(1 - settings.beta2)
    }

    deinit { rowStep.deallocate() }

    /// Starts step `step + 1` at learning rate `rate`; the update calls that follow use it.
    public func beginStep(rate: Float) {
        step += 1
        alphas.append(settings.alpha(step: step, rate: rate))
    }

    /// Eagerly updates parameters `range` (absolute offsets) with gradient `g` (pointing at the range's
    /// first element), split over `threads`.
    public func update(_ w: UnsafeMutablePointer<Float>, range: Range<Int>, gradient g: UnsafePointer<Float>, threads: Int) {
        let alpha = alphas.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[step...]) }
        let (mp, vp, o, c1, c2, eps) = (m.pointer, v.pointer, range.lowerBound, c1, c2, settings.epsilon)
        ParallelFor.shares(count: range.count, threads: threads) { r in
            AdamKernel.apply(w: w + o + r.lowerBound, m: mp + o + r.lowerBound, v: vp + o + r.lowerBound,
                             g: g + r.lowerBound, count: r.count, alphas: alpha, c1: c1, c2: c2, epsilon: eps)
        }
    }

    /// Brings lazy row `row` to the current step, applying gradient `g` (its `lazyWidth` values) on this
    /// step, or to the previous step with `g == nil` (before the row is read by a forward pass).
    /// Distinct rows may be updated concurrently.
    public func update(_ w: UnsafeMutablePointer<Float>, row: Int, gradient g: UnsafePointer<Float>?) {
        let target = g == nil ? step - 1 : step
        let from = Int(rowStep[row])
        if g == nil {
            guard target > from else { return }
        } else {
            precondition(from < target, "a lazy row was updated twice in one step")
        }
        update(w, row: row, gradient: g, through: target)
    }

    private func update(_ w: UnsafeMutablePointer<Float>, row: Int, gradient g: UnsafePointer<Float>?, through target: Int) {
        let o = lazyOffset + row * lazyWidth
        let from = Int(rowStep[row])
        alphas.withUnsafeBufferPointer { all in
            AdamKernel.apply(w: w + o, m: m.pointer + o, v: v.pointer + o, g: g, count: lazyWidth,
                             alphas: UnsafeBufferPointer(rebasing: all[(from + 1)...target]), c1: c1, c2: c2,
                             epsilon: settings.epsilon)
        }
        rowStep[row] = Int32(target)
    }

    /// Catches lazy row `row` up to the previous step, before a forward pass reads it.
    public func catchUp(_ w: UnsafeMutablePointer<Float>, row: Int) { update(w, row: row, gradient: nil) }

    /// Brings every lazy row to the current step (zero gradient for the steps each missed), so that the
    /// parameters and moments equal those of the eager update.
    public func flush(_ w: UnsafeMutablePointer<Float>, threads: Int) { flush(w, threads: threads, share: .whole) }

    /// `flush` of the lazy rows `share` owns (the only rows this rank ever updates on the shared path).
    func flush(_ w: UnsafeMutablePointer<Float>, threads: Int, share: WorkShare) {
        let target = step
        ParallelFor.shares(count: lazyRows, threads: threads, granule: 1) { range in
            for row in range where share.owns(row) && Int(self.rowStep[row]) < target {
                self.update(w, row: row, gradient: nil, through: target)
            }
        }
    }
}
