import Collectives
import LinearAlgebra
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// Process-level start and end of a job: the world communicator, BLAS threads, and what every rank
/// does when something fails.
public enum Launch {
    /// Runs `job` on the world communicator and ends the process. `N2D_COLLECTIVE_TIMEOUT` (seconds; the
    /// `--collective-timeout` flag sets it) ends a rank whose collective does not complete in time
    /// (`CollectiveWatchdog`).
    ///
    /// - A `RankFailure` (agreed by every rank) ends every rank with exit code 1; rank 0 prints it.
    /// - Any other error is unexpected on the other ranks, which may be waiting in a collective: it is
    ///   printed with the rank and the whole job is aborted (exit code 1), so no rank waits forever.
    /// `kernelNote`: say at the start when the user's `OPENBLAS_CORETYPE` holds OpenBLAS below the
    /// CPU's best kernel (`doctor` says it in its own report instead).
    public static func run(blasThreads: Int? = nil, logLevel: Logger.Level = .info, kernelNote: Bool = true,
                           _ job: (Communicator) throws -> Void) -> Never {
        let world = World.communicator()
        Console.configure(world: world, level: logLevel)
        BLAS.threads = BLAS.threadsPerRank(ranksOnMachine: world.localSize, cores: World.machineCores,
                                           requested: blasThreads ?? environmentInt("N2D_BLAS_THREADS"))
        if kernelNote, world.rank == 0, let held = BLASKernel.heldBack {
            Console.say("note: OPENBLAS_CORETYPE=\(String(cString: getenv("OPENBLAS_CORETYPE"))) holds OpenBLAS to its \(held.current) kernel, below this CPU's best (\(held.best)): matrix products run at about half the speed the CPU allows (`n2d-mpi doctor` measures it). Unset the variable, or set it to \(held.best).")
        }
        do {
            if let crashRank = environmentInt("N2D_TEST_CRASH_RANK"), crashRank == world.rank {
                throw InjectedFault(rank: crashRank)
            }
            try job(world)
        } catch let failure as RankFailure {
            if world.rank == 0 { writeStandardError("n2d-mpi: error: \(failure)") }
            World.finish(world)
            exit(1)
        } catch {
            let message = "n2d-mpi: error" + (world.size > 1 ? " on rank \(world.rank)" : "") + ": \(describe(error))"
            if world.size > 1 { world.abort(message: message, code: 1) }
            writeStandardError(message)
            exit(1)
        }
        World.finish(world)
        exit(0)
    }

    /// The error that `N2D_TEST_CRASH_RANK=r` raises on rank r before the job starts, outside any
    /// agreement: the fault tests use it to check that an unexpected error ends every rank.
    struct InjectedFault: Error, CustomStringConvertible {
        let rank: Int
        var description: String { "injected fault (N2D_TEST_CRASH_RANK=\(rank))" }
    }

    static func environmentInt(_ name: String) -> Int? {
        getenv(name).flatMap { Int(String(cString: $0)) }
    }
}
