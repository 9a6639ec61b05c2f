import Collectives
import Logging

/// What the job tells the user on standard error, and how much: progress and stage lines come from
/// rank 0 only; `--quiet` keeps warnings and errors (and the summary on stdout), `--verbose` adds
/// every rank's own lines (prefixed with the rank) through swift-log.
public enum Console {
    nonisolated(unsafe) private static var level: Logger.Level = .info
    nonisolated(unsafe) private static var rank = 0
    /// The swift-log logger of the job (rank-prefixed lines when there are several ranks).
    nonisolated(unsafe) public private(set) static var log = Logger(label: "n2d-mpi")

    /// Sets the level and installs the rank-prefixing handler; `Launch.run` calls it once.
    static func configure(world: Communicator, level: Logger.Level) {
        Console.level = level
        rank = world.rank
        RankLogHandler.bootstrap(rank: world.rank, size: world.size, level: level)
        log = Logger(label: "n2d-mpi")
    }

    /// True when rank 0 should draw progress lines.
    public static var showsProgress: Bool { rank == 0 && level <= .info }

    /// A stage or status line, printed by rank 0 unless `--quiet`.
    public static func say(_ text: String) {
        if rank == 0 && level <= .info { log.info("\(text)") }
    }

    /// A line about this rank's own work, printed by every rank with `--verbose`.
    public static func detail(_ text: String) { log.debug("\(text)") }
}
