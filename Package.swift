// swift-tools-version: 6.0
import PackageDescription

/// Morph: a Jupyter kernel whose cells drive an autoencoder/Jacobian engine.
/// Modules follow the data flow (docs/ARCHITECTURE.md): Kernel → Script → Engine / Render, with
/// MorphJSON at the bottom, one shim target per C library, and CSIMD, the engine's vector loops in C.
let package = Package(
    name: "Morph",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "morph", targets: ["morph"]),
        // What the kernelspec runs: listens on the kernel's ports within a millisecond, then execs morph.
        .executable(name: "morph-kernel", targets: ["MorphKernelLauncher"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C shims: system libraries from Debian's -dev packages.
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas"),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),

        // The engine's hot vector loops in C, compiled for AVX-512 and AVX2 besides the baseline
        // x86-64 that Swift targets, each call taking the CPU's widest path. Always optimised: the
        // loops are vectorised by the compiler, and the tests (debug builds) must run the same
        // vector code as the release build.
        .target(name: "CSIMD", cSettings: [.unsafeFlags(["-O2"])]),
        // Listens on the kernel's TCP ports before main runs (a client connecting during start-up
        // is queued, not refused and left to ZeroMQ's reconnect interval).
        .target(name: "CEarlyListen"),
        .executableTarget(name: "MorphKernelLauncher", dependencies: ["CEarlyListen"]),

        .target(name: "MorphJSON"),
        .target(name: "MorphEngine", dependencies: ["MorphJSON", "CBLAS", "CSIMD", "CZlib", "COpenSSL"]),
        .target(name: "MorphRender", dependencies: ["MorphJSON", "CZlib"]),
        .target(name: "MorphScript", dependencies: ["MorphEngine", "MorphRender", "MorphJSON"]),
        .target(name: "MorphKernel", dependencies: [
            "MorphScript", "MorphJSON", "CZeroMQ", "COpenSSL", "CEarlyListen",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "MorphNotebook", dependencies: ["MorphScript", "MorphEngine", "MorphRender", "MorphJSON"]),
        .executableTarget(name: "morph", dependencies: [
            "MorphKernel", "MorphNotebook", "MorphScript", "MorphEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "morph-engine-bench", dependencies: ["MorphEngine"], path: "bench/engine",
                          exclude: ["reference.py", "compare.py", "setup.sh"]),
        // MorphScript micro-benchmarks (bench/RESULTS.md): swift run -c release morph-script-bench
        .executableTarget(name: "morph-script-bench", dependencies: ["MorphScript", "MorphEngine", "MorphRender"], path: "bench/script"),

        .testTarget(name: "CSIMDTests", dependencies: ["CSIMD"]),
        .testTarget(name: "MorphJSONTests", dependencies: ["MorphJSON"]),
        .testTarget(name: "MorphEngineTests", dependencies: ["MorphEngine"]),
        .testTarget(name: "MorphRenderTests", dependencies: ["MorphRender"]),
        .testTarget(name: "MorphScriptTests", dependencies: ["MorphScript"]),
        .testTarget(name: "MorphKernelTests", dependencies: ["MorphKernel", "MorphEngine"]),
        .testTarget(name: "MorphNotebookTests", dependencies: ["MorphNotebook"]),
    ]
)
