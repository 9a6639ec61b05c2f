// Times collectives of the sizes the training step moves, for the scaling model (docs/SCALING.md).
// Usage: mpirun -np N allreduce-bench [--bytes 46000000,2000000,4096] [--repeats 15] [--warmup 3]
// For each size, rank 0 prints one CSV line (after a header):
//   op,ranks,hosts,bytes,repeats,median_ms,min_ms,max_ms,busbw_GBps
// op is "allreduce" (in-place float sum of `bytes`, the fused gradient) or "allgather" (every rank
// contributes bytes/ranks, the gathered layer inputs and errors). A repeat's time is the slowest
// rank's, measured between two barriers. busbw is the bus bandwidth of a ring algorithm
// (2(p-1)/p · bytes for allreduce, (p-1)/p · bytes for allgather, per second).
import Collectives
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var bytes = [46_000_000, 2_000_000, 4_096]
    var repeats = 15
    var warmup = 3

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError("\(flag) needs a value") }
            switch flag {
            case "--bytes":
                let sizes = value.split(separator: ",").compactMap { Int($0) }
                guard !sizes.isEmpty, sizes.allSatisfy({ $0 >= 4 }) else {
                    throw UsageError("--bytes takes sizes of at least 4 bytes separated by commas (got '\(value)')")
                }
                bytes = sizes
            case "--repeats": repeats = try positive(flag, value)
            case "--warmup": warmup = try positive(flag, value)
            default: throw UsageError("unknown option \(flag) (expected --bytes, --repeats or --warmup)")
            }
        }
    }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = "allreduce-bench: " + text }
}

func positive(_ flag: String, _ value: String) throws -> Int {
    guard let n = Int(value), n > 0 else { throw UsageError("\(flag) takes a positive integer (got '\(value)')") }
    return n
}

func seconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Runs `body` `warmup + repeats` times between barriers; returns the slowest rank's time of each
/// measured repeat, in seconds.
func timeRepeats(_ world: Communicator, _ options: Options, _ body: () -> Void) -> [Double] {
    var times: [Double] = []
    for i in 0..<(options.warmup + options.repeats) {
        world.barrier()
        let start = seconds()
        body()
        let slowest = world.allreduce(seconds() - start, op: .max)
        if i >= options.warmup { times.append(slowest) }
    }
    return times
}

let world = World.communicator()
let options: Options
do { options = try Options(CommandLine.arguments.dropFirst()) } catch {
    if world.rank == 0 { writeStandardError(describe(error)) }
    World.finish(world)
    exit(2)
}
let hosts = world.gather(world.hostName, root: 0).map { Set($0).count } ?? 0
if world.rank == 0 { print("op,ranks,hosts,bytes,repeats,median_ms,min_ms,max_ms,busbw_GBps") }

for bytes in options.bytes {
    let p = world.size
    var gradient = [Float](repeating: 1, count: bytes / 4)
    let allreduce = timeRepeats(world, options) { world.allreduce(&gradient, op: .sum); gradient[0] = 1 }
    let counts = RowPartition(total: bytes / 4, size: p).counts
    let mine = [Float](repeating: Float(world.rank), count: counts[world.rank])
    var gathered = [Float](repeating: 0, count: bytes / 4)
    let allgather = timeRepeats(world, options) {
        mine.withUnsafeBufferPointer { send in
            gathered.withUnsafeMutableBufferPointer { world.allgatherv(send, into: $0, counts: counts) }
        }
    }
    for (op, times, busFactor) in [("allreduce", allreduce, 2.0 * Double(p - 1) / Double(p)),
                                   ("allgather", allgather, Double(p - 1) / Double(p))] where world.rank == 0 {
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        let busbw = p > 1 ? busFactor * Double(bytes) / median / 1e9 : 0
        let columns = [median * 1e3, sorted[0] * 1e3, sorted.last! * 1e3, busbw].map { "\(($0 * 1000).rounded() / 1000)" }
        print(([op, "\(p)", "\(hosts)", "\(bytes)", "\(options.repeats)"] + columns).joined(separator: ","))
    }
}
World.finish(world)

