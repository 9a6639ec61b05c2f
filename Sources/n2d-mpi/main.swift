import ArgumentParser
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif
import Collectives
import LinearAlgebra
import N2D

/// The `n2d-mpi` command: N2D clustering (autoencoder → UMAP → DBSCAN / KMeans / GMM) on MPI ranks.
struct N2DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "n2d-mpi",
        abstract: "Cluster unlabeled data with N2D: autoencoder, UMAP, then DBSCAN / KMeans / GMM, on MPI ranks.",
        discussion: """
        Run as one process for development (`n2d-mpi doctor`) or as MPI ranks \
        (`mpirun -np 8 n2d-mpi doctor`). As root, Open MPI needs OMPI_ALLOW_RUN_AS_ROOT=1 and \
        OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; more ranks than cores needs --oversubscribe \
        (Scripts/n2d-mpirun sets both).
        """,
        subcommands: [RunCommand.self, VectorizeCommand.self, TrainCommand.self, EmbedCommand.self, ClusterCommand.self, PredictCommand.self,
                      ModelCommand.self, MapCommand.self, GenerateCommand.self, DoctorCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// Options every subcommand shares.
struct RuntimeOptions: ParsableArguments {
    @Option(help: "OpenBLAS threads per rank (default: the machine's cores shared among its ranks; env N2D_BLAS_THREADS).")
    var blasThreads: Int?

    @Option(help: ArgumentHelp(
        "End a rank whose MPI collective has not completed after this many seconds (env N2D_COLLECTIVE_TIMEOUT; default: wait forever).",
        discussion: "Bounds a job whose peer host died or dropped off the network. Set it above the longest wait for a slower rank.",
        valueName: "seconds"))
    var collectiveTimeout: Double?

    @Flag(help: "Print only warnings, errors and the final summary (no stage or progress lines).")
    var quiet = false

    @Flag(help: "Also print every rank's own lines (its rows, its timings), prefixed with the rank.")
    var verbose = false

    /// The logging level the flags ask for.
    var logLevel: Logger.Level { quiet ? .warning : verbose ? .debug : .info }

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose contradict each other; pass one.") }
        if let blasThreads, blasThreads < 1 {
            throw ValidationError("--blas-threads must be at least 1 (got \(blasThreads)).")
        }
        if let collectiveTimeout {
            guard collectiveTimeout > 0 else {
                throw ValidationError("--collective-timeout must be a positive number of seconds (got \(collectiveTimeout)).")
            }
            // Through the environment, every subcommand's Launch.run honours the flag without passing it.
            setenv("N2D_COLLECTIVE_TIMEOUT", String(collectiveTimeout), 1)
        }
    }
}

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check MPI and OpenBLAS on every rank and print one line per rank and a summary.",
        discussion: "Exits 0 when every check passes, 1 otherwise. Example: mpirun -np 4 n2d-mpi doctor"
    )

    @OptionGroup var runtime: RuntimeOptions

    func run() throws {
        Launch.run(blasThreads: runtime.blasThreads, logLevel: runtime.logLevel, kernelNote: false) { world in
            let report = Doctor.run(world)
            if world.rank == 0 {
                report.rankLines.forEach { print($0) }
                print(report.summary)
                report.computeLines.forEach { print($0) }
                report.warnings.forEach { print("warning: \($0)") }
                report.problems.forEach { print("problem: \($0)") }
            }
            if !report.healthy { throw RankFailure(rank: world.rank, stage: "doctor", message: report.problems.joined(separator: "; ")) }
        }
    }
}

// Before anything else (MPI, threads): the best OpenBLAS kernel for this CPU (which may re-execute
// the program), then subnormals flushed on this thread and OpenBLAS's pool (docs/TRAINING.md).
BLASKernel.selectBestKernel()
ComputeThreads.prepareProcess()

// Parse errors and --help are printed by rank 0 alone: under mpirun every rank parses the same
// arguments, and interleaved copies of one message would be unreadable. The other ranks end with
// status 0 so that the launcher waits for rank 0, which prints the message and ends with the error's
// status (a non-zero status from another rank first would let mpirun kill rank 0 before it prints).
do {
    var command = try N2DCommand.parseAsRoot()
    try command.run()
} catch {
    if World.launchRank != 0 { exit(0) }
    N2DCommand.exit(withError: error)
}
