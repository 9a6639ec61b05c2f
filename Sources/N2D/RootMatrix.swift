import Collectives
import LinearAlgebra
import Storage

/// A matrix that rank 0 holds (read from a file or computed there) made whole on every rank.
public enum RootMatrix {
    /// Rank 0's `matrix` on every rank (the others may pass an empty one).
    public static func broadcast(_ matrix: Matrix, world: Communicator) -> Matrix {
        guard world.size > 1 else { return matrix }
        var shape = [Int64(matrix.rows), Int64(matrix.cols)]
        world.broadcast(&shape, root: 0)
        var storage = world.rank == 0 ? matrix.storage : [Float](repeating: 0, count: Int(shape[0] * shape[1]))
        world.broadcast(&storage, root: 0)
        return Matrix(rows: Int(shape[0]), cols: Int(shape[1]), storage: storage)
    }

    /// Rank 0 reads a `.npy` matrix and every rank gets it; a read error ends every rank with its message.
    public static func read(_ path: String, world: Communicator) throws -> Matrix {
        let matrix = try world.agreeing("read \(path)") { () -> Matrix in
            world.rank == 0 ? try NPY.readMatrix(path: path) : Matrix(rows: 0, cols: 0)
        }
        return broadcast(matrix, world: world)
    }
}
