import Collectives
import LinearAlgebra

/// How this machine's cores are shared by its ranks, for work that runs on one rank per machine
/// (`Communicator.onOneRankPerMachine`): the pictures' maps always, the embed stage when crowded.
enum MachineShare {
    /// The threads one rank may use when it computes for all of its machine's ranks.
    static func threads(_ world: Communicator) -> Int {
        min(World.machineCores, BLAS.threads * world.localSize)
    }

    /// True when this machine's ranks (at their BLAS threads) outnumber its cores, as 8 ranks on 2.
    static func isCrowded(_ world: Communicator) -> Bool {
        world.localSize > 1 && world.localSize * BLAS.threads > World.machineCores
    }
}
