import Collectives
import LinearAlgebra
#if canImport(Glibc)
import Glibc
#endif

/// `n2d-mpi doctor`: checks that MPI and OpenBLAS work on every rank and describes the job.
public enum Doctor {
    /// The outcome, complete on rank 0 (other ranks hold only their own line).
    public struct Report {
        /// One line per rank: rank, host, pid, BLAS threads.
        public var rankLines: [String]
        /// The summary line ("4 ranks on 1 host, Open MPI v4.1.4, OpenBLAS 0.3.21, allreduce ok, sgemm ok").
        public var summary: String
        /// The machine's compute: BLAS kernel, floating-point mode, ceilings per rank.
        public var computeLines: [String]
        /// The checks that failed, empty when healthy.
        public var problems: [String]
        /// What works but runs slower than it could (a weak BLAS kernel).
        public var warnings: [String]
        public var healthy: Bool { problems.isEmpty }
    }

    /// Runs the checks. A collective: every rank calls it.
    public static func run(_ world: Communicator) -> Report {
        var problems: [String] = []

        let line = "rank \(world.rank)/\(world.size)  host \(world.hostName)  pid \(getpid())  BLAS threads \(BLAS.threads)"
        let lines = world.gather(line, root: 0) ?? [line]
        let hosts = world.gather(world.hostName, root: 0).map { Set($0).count } ?? 1

        // allreduce: the ranks' (rank + 1) must sum to size(size+1)/2 in every type.
        let n = world.size
        let expected = n * (n + 1) / 2
        let sums = (Int(world.allreduce(Float(world.rank + 1), op: .sum)),
                    Int(world.allreduce(Double(world.rank + 1), op: .sum)),
                    world.allreduce(world.rank + 1, op: .sum))
        let allreduceOK = sums == (expected, expected, expected)
        if !allreduceOK { problems.append("allreduce gave \(sums), expected \(expected): the MPI installation is broken") }

        // sgemm: a 96×80 · 80×72 product against a plain loop.
        let sgemmError = sgemmCheck()
        let worstError = world.allreduce(sgemmError, op: .max)
        if !(worstError < 1e-3) {
            problems.append("sgemm differs from the reference loop by \(worstError): OpenBLAS is broken "
                            + "(try OPENBLAS_CORETYPE=Haswell, or reinstall libopenblas0)")
        }
        // Subnormals flushed everywhere that computes (docs/TRAINING.md), on every rank.
        let flushing = ComputeThreads.checkFlushing()
        let flushingEverywhere = world.allreduce(flushing.all ? 1 : 0, op: .min) == 1
        if !flushing.all {
            problems.append("rank \(world.rank): subnormals are not flushed on every computing thread "
                            + "(calling thread \(flushing.callingThread), workers \(flushing.workers), BLAS threads \(flushing.blasThreads))")
        }

        // The kernel and the ceilings, each rank measuring at once with its threads (what a job gets).
        let features = BLASKernel.CPUFeatures.thisCPU
        let best = BLASKernel.best(for: features) ?? BLASKernel.current
        let ceilings = Ceilings.measure(threads: BLAS.threads, size: 1024, triadFloats: 8 << 20, repeats: 3)
        let measured = String(format: "ceilings of rank %d: sgemm %.1f GFLOP/s on %d thread%@ (%.0f%% of the %d-wide multiply-add peak %.1f), triad %.1f GB/s",
                              world.rank, ceilings.sgemmGFLOPS, BLAS.threads, BLAS.threads == 1 ? "" : "s",
                              100 * ceilings.sgemmShareOfPeak, ceilings.vectorWidth, ceilings.peakGFLOPS, ceilings.triadGBPerSecond)
        var computeLines = world.gather(measured, root: 0) ?? [measured]
        computeLines.insert("BLAS kernel \(BLASKernel.provenance), this CPU's best \(best); "
                            + "subnormals \(flushingEverywhere ? "flushed to zero (FTZ+DAZ) on every computing thread" : "NOT flushed everywhere")", at: 0)
        // The best kernel reaches about 90% of the multiply-add peak: warn below half of that.
        var warnings: [String] = []
        let weakest = world.allreduce(ceilings.sgemmShareOfPeak, op: .min)
        if weakest < 0.45 {
            warnings.append(String(format: "sgemm reaches %.0f%% of this CPU's multiply-add peak on some rank, under half of what its best kernel (%@) "
                                   + "reaches; the kernel in use is %@%@", 100 * weakest, best, BLASKernel.current,
                                   getenv("OPENBLAS_CORETYPE") != nil ? " (set by OPENBLAS_CORETYPE: unset it, or set it to \(best))" : ""))
        }

        let anyRankProblems = world.allreduce(problems.count, op: .max)
        if anyRankProblems > 0 && problems.isEmpty { problems.append("another rank reported a problem") }

        let summary = "\(n) rank\(n == 1 ? "" : "s") on \(hosts) host\(hosts == 1 ? "" : "s"), "
            + "\(world.libraryVersion), OpenBLAS \(BLAS.version), "
            + "allreduce \(allreduceOK ? "ok" : "FAILED"), sgemm \(worstError < 1e-3 ? "ok" : "FAILED")"
        return Report(rankLines: lines, summary: summary, computeLines: computeLines, problems: problems, warnings: warnings)
    }

    /// The largest absolute difference between sgemm and a naive product on fixed data.
    static func sgemmCheck() -> Float {
        let (m, k, n) = (96, 80, 72)
        let a = Matrix(rows: m, cols: k, storage: (0..<m * k).map { Float(($0 * 37) % 101) / 101 - 0.5 })
        let b = Matrix(rows: k, cols: n, storage: (0..<k * n).map { Float(($0 * 53) % 97) / 97 - 0.5 })
        let c = a.multiplied(by: b)
        var worst: Float = 0
        for i in 0..<m {
            for j in 0..<n {
                var s: Float = 0
                for l in 0..<k { s += a[i, l] * b[l, j] }
                worst = max(worst, abs(s - c[i, j]))
            }
        }
        return worst
    }
}
