// swift-tools-version:6.0
// ModeLattice: percolation on Z^d and the geometry of neural-network landscapes.
//
// Module layering (imports only go downward):
//
//   modelattice (CLI) / modelattice-bench
//        |
//   Experiments            declarative specs -> Table -> CSV + JSON
//        |
//   Connectivity           paths, barriers, input lattices, parameter-space centers
//     |          \
//   NetworkCore   Percolation   (never import each other)
//     |          /
//   Support                GSL generators, seeds, .npy, tables, checkpoints, parallel map
//     |       \
//   COpenBLAS  CGSL  CMPI  CZlib   system libraries (Debian libopenblas-dev, libgsl-dev,
//                                  libopenmpi-dev, zlib1g-dev)
import PackageDescription

let package = Package(
    name: "ModeLattice",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "modelattice", targets: ["modelattice"]),
        .executable(name: "modelattice-bench", targets: ["modelattice-bench"]),
        .library(name: "Percolation", targets: ["Percolation"]),
        .library(name: "NetworkCore", targets: ["NetworkCore"]),
        .library(name: "Connectivity", targets: ["Connectivity"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // GSL without pkg-config on purpose: pkg-config would add -lgslcblas, and the reference
        // CBLAS would then shadow OpenBLAS for every cblas_* call (see BUILD-NOTES in README).
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        .systemLibrary(name: "COpenBLAS", path: "Sources/COpenBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CMPI", path: "Sources/CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"])]),
        .target(name: "Support", dependencies: ["CGSL", "COpenBLAS", "CMPI"]),
        // Header-only __builtin_prefetch wrapper for the Newman–Ziff sweep (Swift has no intrinsic).
        .target(name: "CPrefetch", path: "Sources/CPrefetch"),
        // Bench only: the plain and prefetching Newman–Ziff sweeps in C that `modelattice-bench
        // percolation` measures the sweep against (issue 17).
        .target(name: "CSweepReference", path: "Sources/CSweepReference"),
        .target(name: "Percolation", dependencies: ["Support", "CGSL", "CPrefetch"]),
        .target(name: "NetworkCore", dependencies: ["Support", "CGSL", "COpenBLAS", "CZlib"]),
        .target(name: "Connectivity", dependencies: ["Support", "Percolation", "NetworkCore", "CGSL"]),
        .target(name: "Experiments", dependencies: ["Support", "Percolation", "NetworkCore", "Connectivity", "CGSL"]),
        .executableTarget(
            name: "modelattice",
            dependencies: [
                "Support", "Percolation", "NetworkCore", "Connectivity", "Experiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "modelattice-bench",
            dependencies: ["Support", "Percolation", "NetworkCore", "Connectivity", "CGSL", "COpenBLAS",
                           "CSweepReference"]),
        // Helpers every test suite shares (temporary directories, CI prerequisites, gradient checks,
        // typed-error expectations).
        .target(name: "TestSupport", dependencies: ["NetworkCore", "Support"], path: "Tests/TestSupport"),
        .testTarget(name: "SupportTests", dependencies: ["Support", "CGSL", "TestSupport"]),
        .testTarget(name: "PercolationTests", dependencies: ["Percolation", "Support", "TestSupport"]),
        .testTarget(name: "NetworkCoreTests", dependencies: ["NetworkCore", "Support", "TestSupport"]),
        .testTarget(name: "ConnectivityTests", dependencies: ["Connectivity", "NetworkCore", "Percolation", "Support", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Connectivity", "NetworkCore", "Percolation", "Support", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Support", "Experiments", "TestSupport"]),
        // ModeLattice beside PyTorch (scripts/interop/torch_side.py in the project's .venv).
        .testTarget(name: "InteropTests", dependencies: ["Connectivity", "NetworkCore", "Support", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
