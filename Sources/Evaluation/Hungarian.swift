/// The assignment problem by the Hungarian method (Kuhn–Munkres with row potentials and shortest
/// augmenting paths, O(n²m)): pick at most one entry per row and per column of a rectangular cost
/// table so that min(rows, columns) entries are picked and their total cost is least.
public enum Hungarian {
    /// The column assigned to each row (or nil for rows left out when there are more rows than
    /// columns), minimising the total cost. `cost` is `rows × columns`, row-major.
    public static func minimumCostAssignment(cost: [Double], rows: Int, columns: Int) -> [Int?] {
        precondition(cost.count == rows * columns, "cost table of \(rows)×\(columns) needs \(rows * columns) entries")
        if rows == 0 || columns == 0 { return [Int?](repeating: nil, count: rows) }
        if rows > columns {
            // Solve the transpose, where rows ≤ columns, and invert the matching.
            var transposed = [Double](repeating: 0, count: rows * columns)
            for r in 0..<rows { for c in 0..<columns { transposed[c * rows + r] = cost[r * columns + c] } }
            let columnToRow = minimumCostAssignment(cost: transposed, rows: columns, columns: rows)
            var result = [Int?](repeating: nil, count: rows)
            for (c, r) in columnToRow.enumerated() { result[r!] = c }
            return result
        }
        // rows ≤ columns. 1-based arrays; column 0 is the virtual start of each augmenting path.
        let n = rows, m = columns
        var u = [Double](repeating: 0, count: n + 1), v = [Double](repeating: 0, count: m + 1)
        var rowOfColumn = [Int](repeating: 0, count: m + 1)
        var way = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            rowOfColumn[0] = i
            var j0 = 0
            var minimum = [Double](repeating: .infinity, count: m + 1)
            var used = [Bool](repeating: false, count: m + 1)
            repeat {
                used[j0] = true
                let i0 = rowOfColumn[j0]
                var delta = Double.infinity, j1 = 0
                for j in 1...m where !used[j] {
                    let reduced = cost[(i0 - 1) * m + (j - 1)] - u[i0] - v[j]
                    if reduced < minimum[j] { minimum[j] = reduced; way[j] = j0 }
                    if minimum[j] < delta { delta = minimum[j]; j1 = j }
                }
                for j in 0...m {
                    if used[j] { u[rowOfColumn[j]] += delta; v[j] -= delta } else { minimum[j] -= delta }
                }
                j0 = j1
            } while rowOfColumn[j0] != 0
            repeat {
                let j1 = way[j0]
                rowOfColumn[j0] = rowOfColumn[j1]
                j0 = j1
            } while j0 != 0
        }
        var result = [Int?](repeating: nil, count: n)
        for j in 1...m where rowOfColumn[j] != 0 { result[rowOfColumn[j] - 1] = j - 1 }
        return result
    }

    /// The assignment maximising the total weight (see `minimumCostAssignment`).
    public static func maximumWeightAssignment(weight: [Double], rows: Int, columns: Int) -> [Int?] {
        minimumCostAssignment(cost: weight.map { -$0 }, rows: rows, columns: columns)
    }
}
