import LinearAlgebra

/// The positive edges one rank samples in the layout: the edges of the fuzzy graph whose head vertex
/// it owns, each with its sampling period `epochsPerSample` = max(w) / w (the strongest edge is sampled
/// every epoch). Both directions of an undirected edge are present, as in umap-learn.
public struct LayoutEdges: Equatable, Sendable {
    public var heads: [Int32]
    public var tails: [Int32]
    public var epochsPerSample: [Float]

    /// The edges of `graph` (already pruned) with heads in `ownRows`.
    public init(graph: CSRMatrix, ownRows: Range<Int>) {
        let strongest = graph.values.max() ?? 1
        let range = graph.rowPointers[ownRows.lowerBound]..<graph.rowPointers[ownRows.upperBound]
        heads = []
        heads.reserveCapacity(range.count)
        for i in ownRows { heads.append(contentsOf: repeatElement(Int32(i), count: graph.nonZeros(inRow: i))) }
        tails = Array(graph.columnIndices[range])
        epochsPerSample = graph.values[range].map { strongest / $0 }
    }

    public var count: Int { heads.count }

    /// `graph` without the edges too weak to be sampled even once in `epochs` epochs
    /// (w < max(w) / epochs), as umap-learn prunes before initialising and laying out.
    public static func pruned(_ graph: CSRMatrix, epochs: Int) -> CSRMatrix {
        let threshold = (graph.values.max() ?? 0) / Float(epochs)
        var pointers = [0], columns: [Int32] = [], values: [Float] = []
        columns.reserveCapacity(graph.nonZeroCount)
        values.reserveCapacity(graph.nonZeroCount)
        for i in 0..<graph.rows {
            for s in graph.rowPointers[i]..<graph.rowPointers[i + 1] where graph.values[s] >= threshold {
                columns.append(graph.columnIndices[s])
                values.append(graph.values[s])
            }
            pointers.append(values.count)
        }
        return CSRMatrix(rows: graph.rows, cols: graph.cols, rowPointers: pointers, columnIndices: columns, values: values)
    }
}
