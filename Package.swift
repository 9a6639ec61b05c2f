// swift-tools-version:6.0
import PackageDescription

/// Numeric modules are compiled with -Ounchecked in release builds: the hot loops (BLAS glue, kNN,
/// UMAP SGD, clustering) index arrays with bounds the code already guarantees.
let fast: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))]

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
        // C glue: Open MPI and OpenBLAS as system libraries, and the shims for MPI's macro handles.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "CMPIShims", dependencies: ["CMPI"]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),

        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        // Vector loops Swift cannot vectorise (SIMD square root), built for AVX2 and the baseline.
        .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3", "-Wno-psabi"])]),
        // Linux calls Swift's Glibc module does not import (CPU affinity).
        .target(name: "CSystem"),

        .target(name: "Collectives", dependencies: ["CMPI", "CMPIShims"], swiftSettings: fast),
        .target(name: "LinearAlgebra", dependencies: ["COpenBLAS", "CSystem", "CKernels"], swiftSettings: fast),
        .target(name: "Storage", dependencies: ["LinearAlgebra"], swiftSettings: fast),
        .target(name: "Randomness", swiftSettings: fast),
        .target(name: "TextFeatures", dependencies: ["LinearAlgebra", "Collectives"],
                exclude: ["README.md"],
                resources: [.copy("Resources/english_stop_words.txt")], swiftSettings: fast),
        .target(name: "Datasets", dependencies: ["TextFeatures", "LinearAlgebra", "Collectives", "Storage", "CZlib"],
                exclude: ["README.md"],
                swiftSettings: fast),
        .target(name: "Autoencoder", dependencies: ["CKernels", "CSystem", "LinearAlgebra", "Collectives", "Storage", "Randomness"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Neighbors", dependencies: ["LinearAlgebra", "Collectives", "Randomness"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "UMAP", dependencies: ["Neighbors", "LinearAlgebra", "Collectives"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Clustering", dependencies: ["LinearAlgebra", "Collectives", "COpenBLAS", "Randomness"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Evaluation", dependencies: ["LinearAlgebra", "Neighbors", "Clustering", "Randomness"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "Plotting", dependencies: ["CZlib", "Randomness"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "TSNE", dependencies: ["Neighbors", "LinearAlgebra", "Collectives"], exclude: ["README.md"], swiftSettings: fast),
        .target(name: "N2D", dependencies: [
            "Collectives", "LinearAlgebra", "Storage", "TextFeatures", "Datasets", "Autoencoder", "Neighbors",
            "UMAP", "Clustering", "Evaluation", "Plotting",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: fast),
        .executableTarget(name: "n2d-mpi", dependencies: [
            "N2D", "TSNE", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Exercises every collective under mpirun; the multi-rank tests launch it.
        .executableTarget(name: "collectives-check", dependencies: ["Collectives"]),
        // Times allreduce and allgather at the training step's message sizes (Scripts/bench/allreduce-netem.sh).
        .executableTarget(name: "allreduce-bench", dependencies: ["Collectives"], swiftSettings: fast),

        // The file readers under seeded mutation fuzzing (Scripts/fuzz.sh) and their regression tests.
        .target(name: "FuzzTargets", dependencies: ["Storage", "LinearAlgebra", "Randomness", "Collectives", "TextFeatures", "Datasets", "Autoencoder"]),
        .executableTarget(name: "fuzz-readers", dependencies: ["FuzzTargets"]),

        // Autoencoder benchmarks and multi-rank checks (Scripts/bench/train.sh, AutoencoderTests).
        .executableTarget(name: "ae-bench", dependencies: [
            "Autoencoder", "Collectives", "LinearAlgebra", "Storage",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: fast),
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "CollectivesTests", dependencies: ["Collectives", "TestSupport"]),
        .testTarget(name: "LinearAlgebraTests", dependencies: ["LinearAlgebra", "TestSupport"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "N2DTests", dependencies: ["TestSupport"]),
        .testTarget(name: "FuzzTests", dependencies: ["FuzzTargets", "TestSupport"]),
        .testTarget(name: "TextFeaturesTests", dependencies: ["TextFeatures", "Collectives", "TestSupport"]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TextFeatures", "Collectives", "LinearAlgebra", "Storage", "TestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting", "CZlib", "TestSupport"]),
        .testTarget(name: "ScriptsTests", dependencies: ["TestSupport"]),
        .testTarget(name: "ClusteringTests", dependencies: ["Randomness", "Clustering", "Collectives", "LinearAlgebra", "Storage", "TestSupport"]),
        .testTarget(name: "EvaluationTests", dependencies: ["Randomness", "Evaluation", "TestSupport"]),
        .testTarget(name: "NeighborsTests", dependencies: ["Neighbors", "Collectives", "LinearAlgebra", "TestSupport"]),
        .testTarget(name: "TSNETests", dependencies: ["TSNE", "Neighbors", "Evaluation", "Collectives", "LinearAlgebra",
                                                      "Storage", "TestSupport"]),
        .testTarget(name: "UMAPTests", dependencies: ["UMAP", "Neighbors", "Evaluation", "Collectives", "LinearAlgebra",
                                                      "Storage", "TestSupport"]),
        // The bad-input catalogue, write failures and rank failures through the real n2d-mpi (docs/RELIABILITY.md).
        .testTarget(name: "ReliabilityTests", dependencies: ["Storage", "LinearAlgebra", "TestSupport"]),
        // Several hosts over TCP (network namespaces, Scripts/cluster); needs root, skips otherwise.
        .testTarget(name: "ClusterTests", dependencies: ["Storage", "TestSupport"]),
        .testTarget(name: "AutoencoderTests", dependencies: ["Randomness", "Autoencoder", "Collectives", "LinearAlgebra", "Storage", "TestSupport", "ae-bench"]),
    ],
    swiftLanguageModes: [.v5]
)
