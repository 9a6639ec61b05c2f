/// A seeded split of rows `0..<n` into a training and a test part, identical to scikit-learn's
/// `train_test_split(range(n), test_size=t, random_state=seed)`: with `perm` the NumPy
/// `RandomState(seed).permutation(n)`, test = `perm[..<ceil(t·n)]`, train = the rest, both in
/// permutation order. `testSize` 0 keeps every row, in file order, for training.
public struct TrainTestSplit: Equatable, Sendable {
    /// Row indices of the training part, in split order (the order of the training matrix).
    public let train: [Int]
    /// Row indices of the test part, in split order.
    public let test: [Int]

    public init(rows n: Int, testSize: Double, seed: UInt32) {
        precondition(testSize >= 0 && testSize < 1, "testSize must be in [0, 1)")
        if testSize == 0 {
            train = Array(0..<n)
            test = []
            return
        }
        var generator = MersenneTwister(seed: seed)
        let permutation = generator.permutation(n)
        let testCount = Int((testSize * Double(n)).rounded(.up))
        test = Array(permutation[..<testCount])
        train = Array(permutation[testCount...])
    }
}
