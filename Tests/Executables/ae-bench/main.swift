// Benchmarks and multi-rank checks of the Autoencoder module, run by Scripts/bench/train.sh,
// Scripts/bench/blas-peak and the multi-rank tests (under mpirun).
import ArgumentParser
import LinearAlgebra

struct AEBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ae-bench",
        abstract: "Autoencoder benchmarks and multi-rank checks.",
        subcommands: [PeakCommand.self, SynthCommand.self, StepsCommand.self, CheckCommand.self]
    )
}

BLASKernel.selectBestKernel()
ComputeThreads.prepareProcess()
AEBench.main()
