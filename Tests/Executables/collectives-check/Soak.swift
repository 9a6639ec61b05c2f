import Collectives
#if canImport(Glibc)
import Glibc
#endif

/// `collectives-check soak SECONDS`: a long-running collective workload for the fault tests. Every
/// rank allreduces 1 Mi floats (4 MB) over and over, checks each sum, and stops together with the
/// others once any rank has run `seconds`. Rank 0 prints "soak: started (N ranks)" once the loop
/// runs, then one line every second, and "soak ok (I allreduces)" at the end. Returns the exit code.
func runSoak(_ world: Communicator, seconds: Double) -> Int32 {
    CollectiveWatchdog.stage = "soak"
    let count = 1 << 20
    var buffer = [Float](repeating: 0, count: count)
    let expected = Float(world.size * (world.size + 1) / 2)
    let start = now()
    var lastReport = start
    var iterations = 0
    var wrong = 0
    while true {
        for i in 0..<count { buffer[i] = Float(world.rank + 1) }
        world.allreduce(&buffer, op: .sum)
        if buffer[0] != expected || buffer[count - 1] != expected { wrong += 1 }
        iterations += 1
        let elapsed = now() - start
        if world.rank == 0 && (iterations == 1 || now() - lastReport >= 1) {
            print(iterations == 1 ? "soak: started (\(world.size) ranks)"
                                  : "soak: \(iterations) allreduces in \(Int(elapsed)) s")
            fflush(stdout)
            lastReport = now()
        }
        if world.allreduce(elapsed >= seconds ? 1 : 0, op: .max) == 1 { break }
    }
    let totalWrong = world.allreduce(wrong, op: .sum)
    if world.rank == 0 {
        print(totalWrong == 0 ? "soak ok (\(iterations) allreduces)" : "soak FAILED: \(totalWrong) wrong sums")
    }
    return totalWrong == 0 ? 0 : 1
}

private func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
