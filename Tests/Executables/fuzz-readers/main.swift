// A seeded random-mutation fuzzer for n2d-mpi's file readers. For each target it starts from
// valid seed inputs, applies random mutations (bit flips, byte changes, truncation, duplication,
// splicing, interesting integers), and hands each result to the reader. A reader must return a
// value or throw; a crash, a hang (caught by the alarm) or an over-allocation (caught by the
// caller's `ulimit -v`) ends the process, and the input that did it is left in `current-input`.
//
//   fuzz-readers TARGET SECONDS SEED WORKDIR
//   fuzz-readers TARGET --replay FILE        (runs one input, for regression tests)
import Foundation
import FuzzTargets

let arguments = CommandLine.arguments
guard arguments.count >= 4, let target = FuzzTarget.all[arguments[1]] else {
    print("usage: fuzz-readers TARGET SECONDS SEED WORKDIR | TARGET --replay FILE; targets: \(FuzzTarget.all.keys.sorted().joined(separator: ", "))")
    exit(2)
}

if arguments[2] == "--replay" {
    let bytes = Array(FileManager.default.contents(atPath: arguments[3]) ?? Data())
    let outcome = target.run(bytes)
    print("\(arguments[1]): \(outcome)")
    exit(0)
}

guard arguments.count == 5, let seconds = Double(arguments[2]), let seed = UInt64(arguments[3]) else {
    print("usage: fuzz-readers TARGET SECONDS SEED WORKDIR")
    exit(2)
}
let current = arguments[4] + "/current-input"
let fd = open(current, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
var mutator = Mutator(seed: seed)
let seeds = target.seeds()
let deadline = Date().addingTimeInterval(seconds)
var executions = 0, accepted = 0
while Date() < deadline {
    for _ in 0..<64 {
        let input = mutator.mutate(seeds[mutator.next(seeds.count)], others: seeds)
        // Leave the input on disk before running it, so a crash or hang leaves the finding behind.
        _ = input.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        ftruncate(fd, off_t(input.count))
        alarm(5)
        if case .accepted = target.run(input) { accepted += 1 }
        alarm(0)
        executions += 1
    }
}
print("\(arguments[1]): \(executions) executions, \(accepted) accepted, \(executions - accepted) refused with an error, no crash or hang")
