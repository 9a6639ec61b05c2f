// Runs every collective of `Communicator` on the world communicator and checks each result against
// the arithmetic. Launched by the multi-rank tests: `mpirun -np N collectives-check [fail-rank R]`.
// Prints "collectives ok (N ranks)" on rank 0 and exits 0, or names the failed check and exits 1.
// With `fail-rank R`, rank R throws inside an agreed stage, to test failure agreement.
// With `soak SECONDS`, it runs allreduces for that long instead (the fault tests' workload, Soak.swift).
import Collectives
#if canImport(Glibc)
import Glibc
#endif

let world = World.communicator()
let rank = world.rank, size = world.size
var failures: [String] = []

if CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "soak" {
    guard let seconds = Double(CommandLine.arguments[2]), seconds >= 0 else {
        writeStandardError("collectives-check: soak needs a number of seconds (got '\(CommandLine.arguments[2])')")
        exit(2)
    }
    let code = runSoak(world, seconds: seconds)
    World.finish(world)
    exit(code)
}

func check(_ condition: Bool, _ what: String) {
    if !condition { failures.append(what) }
}
struct PlantedFailure: Error, CustomStringConvertible { var description: String { "planted failure" } }

func checkAllreduce<T: CollectiveScalar>(_ type: T.Type, _ make: (Int) -> T) {
    var values = (0..<5).map { make(rank * 10 + $0) }
    world.allreduce(&values, op: .sum)
    let sums = (0..<5).map { j in (0..<size).reduce(T.zero) { $0 + make($1 * 10 + j) } }
    check(values == sums, "allreduce sum \(T.self): \(values) != \(sums)")
    // expected extremes from the values themselves: `make` need not be monotonic (UInt8 wraps at 7)
    check(world.allreduce(make(rank), op: .max) == (0..<size).map(make).max(), "allreduce max \(T.self)")
    check(world.allreduce(make(rank + 3), op: .min) == (0..<size).map { make($0 + 3) }.min(), "allreduce min \(T.self)")
}

world.barrier()
checkAllreduce(Float.self) { Float($0) }
checkAllreduce(Double.self) { Double($0) * 0.5 }
checkAllreduce(Int32.self) { Int32($0) }
checkAllreduce(Int64.self) { Int64($0) * 1_000_000_000 }
checkAllreduce(UInt8.self) { UInt8($0 % 7) }

// broadcast from the last rank, count included
var payload: [Double] = rank == size - 1 ? [1.5, -2, 3.25] : []
world.broadcast(&payload, root: size - 1)
check(payload == [1.5, -2, 3.25], "broadcast doubles: \(payload)")
check(world.broadcast(rank == 0 ? "hello ünïcode" : "", root: 0) == "hello ünïcode", "broadcast string")

// allgather(v): rank r contributes r + 1 copies of r
let mine = [Int32](repeating: Int32(rank), count: rank + 1)
let expectedGather = (0..<size).flatMap { [Int32](repeating: Int32($0), count: $0 + 1) }
check(world.allgather(mine) == expectedGather, "allgatherv")
let gathered = world.gather(mine.map(Float.init), root: 0)
check(rank == 0 ? gathered == expectedGather.map(Float.init) : gathered == nil, "gatherv to root")
let names = world.gather("r\(rank)", root: size - 1)
check(rank == size - 1 ? names == (0..<size).map { "r\($0)" } : names == nil, "gather strings")

// scatterv: root holds 0..<total, rank r receives r + 2 elements
let counts = (0..<size).map { $0 + 2 }
let total = counts.reduce(0, +)
let source: [Int64]? = rank == 0 ? (0..<total).map(Int64.init) : nil
let piece = world.scatter(source, counts: counts, root: 0)
let start = counts[..<rank].reduce(0, +)
check(piece == (start..<start + counts[rank]).map(Int64.init), "scatterv: \(piece)")

// alltoallv: rank r sends (d + 1) copies of 100·r + d to rank d
let sendCounts = (0..<size).map { $0 + 1 }
let outgoing = (0..<size).flatMap { d in [Int64](repeating: Int64(100 * rank + d), count: d + 1) }
let incoming = world.alltoall(outgoing, sendCounts: sendCounts)
let expectedIncoming = (0..<size).flatMap { s in [Int64](repeating: Int64(100 * s + rank), count: rank + 1) }
check(incoming == expectedIncoming, "alltoallv: \(incoming)")

// non-blocking allreduce overlapping local work
var big = [Float](repeating: Float(rank + 1), count: 1 << 20)
let expectedBig = Float(size * (size + 1) / 2)
var overlapped = 0.0
big.withUnsafeMutableBufferPointer { buffer in
    let pending = world.startAllreduce(buffer, op: .sum)
    for i in 0..<2_000_000 { overlapped += Double(i & 7) }
    pending.wait()
}
check(big.allSatisfy { $0 == expectedBig } && overlapped > 0, "non-blocking allreduce")

// subset: the even ranks, in rank order; the odd ranks get none
let evens = world.subset(including: rank % 2 == 0)
if let evens {
    check(evens.rank == rank / 2 && evens.size == (size + 1) / 2, "subset rank \(evens.rank) of \(evens.size)")
    check(evens.allreduce(Int64(rank), op: .sum) == Int64((0..<size).filter { $0 % 2 == 0 }.reduce(0, +)), "subset allreduce")
} else {
    check(rank % 2 == 1, "subset: even rank \(rank) left out")
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}
func threadCPUSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

// one rank per machine computes while the others wait asleep: they get its values, having waited for
// its 0.3 s of work and used little CPU doing so; a failure there reaches every rank
world.barrier()
let waitStart = monotonicSeconds(), cpuStart = threadCPUSeconds()
let computed = try? world.onOneRankPerMachine("check one per machine", count: 3) { leaders -> [Float] in
    usleep(300_000)
    return [Float(leaders.size), 2, Float(leaders.allreduce(Int64(leaders.rank + 1), op: .sum))]
}
let (waited, spent) = (monotonicSeconds() - waitStart, threadCPUSeconds() - cpuStart)
if world.localRank != 0 {
    check(waited >= 0.25, "one rank per machine: a waiting rank returned after \(waited) s, before the 0.3 s of work")
    check(spent < 0.5 * waited, "one rank per machine: a waiting rank used \(spent) s of CPU in a \(waited) s wait")
}
let machines = world.allreduce(world.localRank == 0 ? 1 : 0, op: .sum)
check(computed == [Float(machines), 2, Float(machines * (machines + 1) / 2)], "one rank per machine: \(String(describing: computed))")
do {
    _ = try world.onOneRankPerMachine("check one per machine", count: 1) { _ -> [Int32] in throw PlantedFailure() }
    check(false, "one rank per machine: a failure of the computing rank was not reported")
} catch let failure as RankFailure {
    check(failure.rank == 0 && failure.message == "planted failure", "one rank per machine: \(failure)")
} catch {
    check(false, "one rank per machine: \(error)")
}

// failure agreement: every rank must see the same RankFailure
let failRank = CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "fail-rank"
    ? Int(CommandLine.arguments[2]) : nil
do {
    try world.agreeing("check stage") {
        if rank == failRank { throw PlantedFailure() }
    }
} catch let failure as RankFailure {
    if rank == 0 { writeStandardError("error: \(failure)") }
    World.finish(world)
    exit(3)
}

let allFailures = world.gather(failures.joined(separator: "; "), root: 0)
if rank == 0 {
    let bad = allFailures!.enumerated().filter { !$0.element.isEmpty }
    if bad.isEmpty {
        print("collectives ok (\(size) ranks)")
    } else {
        for (r, text) in bad { print("rank \(r): FAILED \(text)") }
    }
}
let anyFailure = world.allreduce(failures.isEmpty ? 0 : 1, op: .max)
World.finish(world)
exit(anyFailure == 0 ? 0 : 1)
