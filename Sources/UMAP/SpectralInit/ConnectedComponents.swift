import LinearAlgebra

/// The connected components of a symmetric sparse graph, by union–find.
struct ConnectedComponents {
    /// Component number of each vertex; components numbered by their smallest vertex.
    let labels: [Int]
    let count: Int

    init(_ graph: CSRMatrix) {
        var parent = Array(0..<graph.rows)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        for i in 0..<graph.rows {
            for s in graph.rowPointers[i]..<graph.rowPointers[i + 1] {
                let a = find(i), b = find(Int(graph.columnIndices[s]))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var number = [Int](repeating: -1, count: graph.rows)
        var labels = [Int](repeating: 0, count: graph.rows)
        var count = 0
        for i in 0..<graph.rows {
            let root = find(i)
            if number[root] < 0 { number[root] = count; count += 1 }
            labels[i] = number[root]
        }
        self.labels = labels
        self.count = count
    }

    /// The vertices of each component, ascending.
    var members: [[Int]] {
        var out = [[Int]](repeating: [], count: count)
        for (v, c) in labels.enumerated() { out[c].append(v) }
        return out
    }
}
