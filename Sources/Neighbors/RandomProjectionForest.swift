import Randomness
import LinearAlgebra

/// One random-projection tree: the points reordered so that each leaf is a consecutive run of `order`.
struct RandomProjectionTree {
    /// Point numbers, leaf by leaf.
    var order: [Int32]
    /// Leaf `l` is `order[leafBounds[2l] ..< leafBounds[2l+1]]`.
    var leafBounds: [Int32]
    /// The leaf of each point.
    var leafOfPoint: [Int32]

    /// The members of `point`'s leaf.
    func leafMembers(of point: Int) -> ArraySlice<Int32> {
        let leaf = Int(leafOfPoint[point])
        return order[Int(leafBounds[2 * leaf])..<Int(leafBounds[2 * leaf + 1])]
    }
}

/// Random-projection trees (as pynndescent's Euclidean trees): each node splits its points by the
/// hyperplane halfway between two of them, chosen at random, until at most `leafSize` remain.
/// Points sharing a leaf are the first neighbour candidates of NN-descent.
enum RandomProjectionForest {
    /// Builds `count` trees over the rows of `space`; tree t draws from the stream (seed, t), so the
    /// forest is the same on every rank. `threads` workers build trees side by side.
    static func build(space: Matrix, count: Int, leafSize: Int, seed: UInt64, threads: Int) -> [RandomProjectionTree] {
        var trees = [RandomProjectionTree?](repeating: nil, count: count)
        let workers = max(1, min(threads, count))
        trees.withUnsafeMutableBufferPointer { out in
            let slots = out.baseAddress!
            space.storage.withUnsafeBufferPointer { x in
                ComputeThreads.perform(iterations: workers) { worker in
                    for t in stride(from: worker, to: count, by: workers) {
                        var random = SeededGenerator(seed: seed, at: 0x7265_6573, UInt64(t))
                        (slots + t).pointee = buildTree(x: x.baseAddress!, n: space.rows, d: space.cols,
                                                        leafSize: leafSize, random: &random)
                    }
                }
            }
        }
        return trees.map { $0! }
    }

    private static func buildTree(x: UnsafePointer<Float>, n: Int, d: Int, leafSize: Int,
                                  random: inout SeededGenerator) -> RandomProjectionTree {
        var order = (0..<n).map { Int32($0) }
        var leafBounds: [Int32] = []
        var goesLeft = [Bool](repeating: false, count: n)
        var scratch = [Int32](repeating: 0, count: n)
        var normal = [Float](repeating: 0, count: d)
        var pending: [Range<Int>] = [0..<n]
        while let node = pending.popLast() {
            if node.count <= max(leafSize, 1) {
                leafBounds.append(Int32(node.lowerBound))
                leafBounds.append(Int32(node.upperBound))
                continue
            }
            let a = Int(order[node.lowerBound + random.below(node.count)])
            var b = Int(order[node.lowerBound + random.below(node.count - 1)])
            if b == a { b = Int(order[node.upperBound - 1]) }
            var offset: Float = 0
            for j in 0..<d {
                normal[j] = x[a * d + j] - x[b * d + j]
                offset += normal[j] * (x[a * d + j] + x[b * d + j]) / 2
            }
            var leftCount = 0
            for p in node {
                let row = x + Int(order[p]) * d
                var margin = -offset
                for j in 0..<d { margin += normal[j] * row[j] }
                let left = margin == 0 ? random.below(2) == 0 : margin < 0
                goesLeft[p] = left
                if left { leftCount += 1 }
            }
            if leftCount == 0 || leftCount == node.count {
                // Degenerate hyperplane (duplicates): halve the node as it stands.
                leftCount = node.count / 2
                for (s, p) in node.enumerated() { goesLeft[p] = s < leftCount }
            }
            var l = node.lowerBound, r = node.lowerBound + leftCount
            for p in node {
                if goesLeft[p] { scratch[l] = order[p]; l += 1 } else { scratch[r] = order[p]; r += 1 }
            }
            for p in node { order[p] = scratch[p] }
            let middle = node.lowerBound + leftCount
            pending.append(middle..<node.upperBound)
            pending.append(node.lowerBound..<middle)
        }
        var leafOfPoint = [Int32](repeating: 0, count: n)
        for leaf in 0..<leafBounds.count / 2 {
            for p in Int(leafBounds[2 * leaf])..<Int(leafBounds[2 * leaf + 1]) { leafOfPoint[Int(order[p])] = Int32(leaf) }
        }
        return RandomProjectionTree(order: order, leafBounds: leafBounds, leafOfPoint: leafOfPoint)
    }
}
