// Exact Isomap of an .npy over the world communicator: `mpirun -np N isomap-check IN.npy NEIGHBORS
// COMPONENTS OUT.json [THREADS [LANDMARKS]]` (landmark Isomap
// with LANDMARKS). Rank 0 writes the embedding, eigenvalues, reconstruction error and
// seconds as JSON; IsomapTests compares 1, 2 and 4 ranks.
import Collectives
import Foundation
import Isomap
import LinearAlgebra
import Storage

let world = World.communicator()
let arguments = CommandLine.arguments
guard arguments.count >= 5, let neighbors = Int(arguments[2]), let components = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: isomap-check IN.npy NEIGHBORS COMPONENTS OUT.json [THREADS [LANDMARKS]]\n".utf8))
    exit(2)
}
let threads = arguments.count >= 6 ? Int(arguments[5]) ?? 1 : 1
let landmarks = arguments.count >= 7 ? Int(arguments[6]) : nil
do {
    let points = try NPY.readMatrix(path: arguments[1])
    let started = Date()
    let result = try landmarks.map {
        try Isomap.fitLandmarks(points: points, neighbors: neighbors, components: components, landmarks: $0, world: world,
                                threads: threads, seed: 13)
    } ?? Isomap.fit(points: points, neighbors: neighbors, components: components, world: world, threads: threads)
    let seconds = Date().timeIntervalSince(started)
    if world.rank == 0 {
        let object: [String: Any] = [
            "ranks": world.size, "seconds": seconds, "embedding": result.embedding, "eigenvalues": result.eigenvalues,
            "reconstruction_error": result.reconstructionError.isNaN ? -1 : result.reconstructionError, "graph_components": result.graphComponents,
            "phase_seconds": result.seconds, "lanczos_converged": result.lanczosConverged,
            "lanczos_cycles": result.lanczosCycles, "lanczos_products": result.lanczosProducts,
        ]
        let data = try JSONSerialization.data(withJSONObject: object)
        try data.write(to: URL(fileURLWithPath: arguments[4]))
        let phases = result.seconds.sorted { $0.key < $1.key }.map { "\($0.key) \(String(format: "%.3f", $0.value))" }
        print("isomap ok (\(world.size) ranks, \(String(format: "%.2f", seconds)) s: \(phases.joined(separator: ", ")))")
    }
} catch {
    FileHandle.standardError.write(Data("isomap-check: \(error)\n".utf8))
    World.finish(world)
    exit(1)
}
World.finish(world)
