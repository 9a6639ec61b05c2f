// swift-tools-version:6.0
import PackageDescription

/// Every module folder holds a README.md saying what is in it (docs/ARCHITECTURE.md has the map).
let readme = ["README.md"]

let package = Package(
    name: "n2d-mpi",
    products: [
        .executable(name: "n2d-mpi", targets: ["n2d-mpi"]),
        .library(name: "N2D", targets: ["N2D"]),
        .library(name: "Collectives", targets: ["Collectives"]),
        .library(name: "LinearAlgebra", targets: ["LinearAlgebra"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: Public modules (the products): the program, the job, and the two building blocks
        // other programs can use on their own.
        .executableTarget(name: "n2d-mpi", dependencies: [
            "N2D", "TSNE", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], exclude: readme),
        .target(name: "N2D", dependencies: [
            "Collectives", "LinearAlgebra", "Storage", "TextFeatures", "Datasets", "Autoencoder", "Neighbors",
            "UMAP", "TSNE", "Isomap", "Clustering", "Evaluation", "Plotting",
            .product(name: "Logging", package: "swift-log"),
        ], exclude: readme),
        .target(name: "Collectives", dependencies: ["CMPI", "CMPIShims"], exclude: readme),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CSystem", "CKernels"], exclude: readme),

        // MARK: Implementation details: one module per stage or concern.
        .target(name: "Storage", dependencies: ["LinearAlgebra"], exclude: readme),
        .target(name: "Randomness", exclude: readme),
        .target(name: "TextFeatures", dependencies: ["LinearAlgebra", "Collectives"], exclude: readme,
                resources: [.copy("Resources/english_stop_words.txt")]),
        .target(name: "Datasets", dependencies: ["TextFeatures", "LinearAlgebra", "Collectives", "Storage", "Randomness", "CZlib"], exclude: readme),
        .target(name: "Autoencoder", dependencies: ["CKernels", "CSystem", "LinearAlgebra", "Collectives", "Storage", "Randomness"],
                exclude: readme),
        .target(name: "Neighbors", dependencies: ["LinearAlgebra", "Collectives", "Randomness"], exclude: readme),
        .target(name: "UMAP", dependencies: ["Neighbors", "Randomness", "LinearAlgebra", "Collectives"], exclude: readme),
        .target(name: "Clustering", dependencies: ["LinearAlgebra", "Collectives", "COpenBLAS", "Randomness"], exclude: readme),
        .target(name: "Evaluation", dependencies: ["LinearAlgebra", "Neighbors", "Clustering", "Randomness"], exclude: readme),
        .target(name: "Plotting", dependencies: ["CZlib", "Randomness"], exclude: readme),
        .target(name: "TSNE", dependencies: ["Neighbors", "Randomness", "LinearAlgebra", "Collectives"], exclude: readme),
        .target(name: "Isomap", dependencies: ["CKernels", "Collectives", "LinearAlgebra", "Neighbors", "Randomness"], exclude: readme),

        // MARK: C glue: Open MPI, OpenBLAS and zlib as system libraries, and the C the Swift needs.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
        // The handles Open MPI defines as macros.
        .target(name: "CMPIShims", dependencies: ["CMPI"], exclude: readme),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Vector loops Swift cannot vectorise (SIMD square root), built for AVX2 and the baseline.
        .target(name: "CKernels", exclude: readme, cSettings: [.unsafeFlags(["-O3", "-Wno-psabi"])]),
        // Linux calls Swift's Glibc module does not import (CPU affinity, FP mode, cpuid).
        .target(name: "CSystem", exclude: readme),

        // MARK: Test and benchmark executables (Tests/Executables), launched by tests and Scripts/bench.
        // Every collective under mpirun; the multi-rank tests launch it.
        .executableTarget(name: "collectives-check", dependencies: ["Collectives"], path: "Tests/Executables/collectives-check"),
        // Allreduce and allgather at the training step's message sizes (Scripts/bench/allreduce-netem.sh).
        .executableTarget(name: "allreduce-bench", dependencies: ["Collectives"], path: "Tests/Executables/allreduce-bench"),
        // The file readers under seeded mutation fuzzing (Scripts/fuzz.sh) and their regression tests.
        .target(name: "FuzzTargets", dependencies: ["Storage", "LinearAlgebra", "Randomness", "Collectives", "TextFeatures", "Datasets", "Autoencoder"],
                path: "Tests/Executables/FuzzTargets"),
        .executableTarget(name: "fuzz-readers", dependencies: ["FuzzTargets"], path: "Tests/Executables/fuzz-readers"),
        // Autoencoder benchmarks and multi-rank checks (Scripts/bench/train.sh, AutoencoderTests).
        .executableTarget(name: "ae-bench", dependencies: [
            "Autoencoder", "Collectives", "LinearAlgebra", "Storage",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Tests/Executables/ae-bench"),
        // Isomap over the ranks on an .npy (IsomapTests compares 1, 2 and 4 ranks).
        .executableTarget(name: "isomap-check", dependencies: ["Isomap", "Collectives", "LinearAlgebra", "Storage"],
                          path: "Tests/Executables/isomap-check"),

        // MARK: Tests: one target per module (Tests/<Module>Tests), plus the whole-program suites.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CollectivesTests", dependencies: ["Collectives", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "TextFeaturesTests", dependencies: ["TextFeatures", "Collectives", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TextFeatures", "Collectives", "LinearAlgebra", "Storage", "TestSupport"]),
        .testTarget(name: "AutoencoderTests", dependencies: ["Randomness", "Autoencoder", "CKernels", "Collectives", "LinearAlgebra", "Storage", "TestSupport", "ae-bench"]),
        .testTarget(name: "NeighborsTests", dependencies: ["Neighbors", "Randomness", "Collectives", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "UMAPTests", dependencies: ["UMAP", "Neighbors", "Randomness", "Evaluation", "Clustering", "Collectives", "LinearAlgebra",
                                                      "Storage", "TestSupport"]),
        .testTarget(name: "TSNETests", dependencies: ["TSNE", "Neighbors", "Randomness", "Evaluation", "Collectives", "LinearAlgebra",
                                                      "Storage", "TestSupport"]),
        .testTarget(name: "ClusteringTests", dependencies: ["Randomness", "Clustering", "Evaluation", "Collectives", "LinearAlgebra", "Storage", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Randomness", "Evaluation", "TestSupport"]),
        .testTarget(name: "IsomapTests", dependencies: ["CKernels", "Isomap", "Collectives", "LinearAlgebra", "Storage", "TestSupport", "isomap-check"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CZlib", "TestSupport"]),
        .testTarget(name: "N2DTests", dependencies: ["N2D", "Autoencoder", "Clustering", "Collectives", "Datasets", "LinearAlgebra", "Storage", "TestSupport"],
                    exclude: ["Fixtures"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "ScriptsTests", dependencies: ["TestSupport"]),
        // The bad-input catalogue, write failures and rank failures through the real n2d-mpi (docs/RELIABILITY.md).
        .testTarget(name: "ReliabilityTests", dependencies: ["Storage", "LinearAlgebra", "TestSupport"]),
        // Several hosts over TCP (network namespaces, Scripts/cluster); needs root, skips otherwise.
        .testTarget(name: "ClusterTests", dependencies: ["Storage", "TestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
