#if canImport(Glibc)
import Glibc
#endif

/// Chooses how this process talks to its peers.
public enum World {
    /// The processors online on this machine (what BLAS threads, clustering workers and batch pooling
    /// are sized by; a cpuset that confines the job to fewer is not seen).
    public static var machineCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// True when a launcher (mpirun, srun with PMIx) started this process as one of several ranks.
    public static var launchedByMPI: Bool {
        let markers = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"]
        return markers.contains { getenv($0) != nil } || getenv("N2D_FORCE_MPI") != nil
    }

    /// This process's rank as the launcher announced it (before MPI is initialised), 0 without one.
    public static var launchRank: Int {
        for name in ["OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"] {
            if let value = getenv(name), let rank = Int(String(cString: value)) { return rank }
        }
        return 0
    }

    /// The world communicator: MPI when launched by mpirun (or `N2D_FORCE_MPI` is set),
    /// otherwise a one-rank `LocalCommunicator` that makes no MPI call. `collectiveTimeout` (seconds)
    /// bounds each MPI collective with a `CollectiveWatchdog`; default `N2D_COLLECTIVE_TIMEOUT`, else none.
    public static func communicator(collectiveTimeout: Double? = CollectiveWatchdog.environmentSeconds) -> Communicator {
        launchedByMPI ? MPICommunicator.initialize(collectiveTimeout: collectiveTimeout) : LocalCommunicator()
    }

    /// Finalises MPI if `communicator` uses it.
    public static func finish(_ communicator: Communicator) {
        (communicator as? MPICommunicator)?.finalize()
    }
}
