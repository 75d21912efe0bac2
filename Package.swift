// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "hotfolder-agent",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hotfolder-agent", targets: ["Agent"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "JobStore", targets: ["JobStore"]),
        .library(name: "Bridge", targets: ["Bridge"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The bridge: contract-first from openapi.yaml. Hummingbird's default traits pull in swift-configuration,
        // which nothing here uses.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        // The shared job store of several agents (PostgreSQL).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already under Hummingbird; named for NIOCore, whose channel handler caps the bridge's connections.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // One system-library target per C library: a module map and shim.h, nothing else.
        .systemLibrary(name: "CPoppler", pkgConfig: "poppler-glib", providers: [.apt(["libpoppler-glib-dev"])]),
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CQPDF", pkgConfig: "libqpdf", providers: [.apt(["libqpdf-dev"])]),
        .systemLibrary(name: "CInotify", providers: [.apt(["libinotifytools0-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // TIFF artwork: none of the libraries above decodes TIFF (Poppler and Cairo do not read it).
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        // Colour conversion (color.cmyk): every conversion is LittleCMS's, none of it ours.
        .systemLibrary(name: "CLCMS", pkgConfig: "lcms2", providers: [.apt(["liblcms2-dev"])]),
        // Flate for the image and content data the colour conversion writes anew.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // glibc's own malloc tuning: the agent limits its arenas and trims them (MemoryTrimmer).
        .systemLibrary(name: "CMalloc"),

        // Pipeline reaches Cairo through CPoppler (poppler.h includes cairo.h; its shim adds cairo-pdf.h):
        // importing CCairo beside it would give Swift two copies of Cairo's types in one module.
        .target(
            name: "Pipeline",
            dependencies: ["CPoppler", "CQPDF", "CTIFF", "CLCMS", "CZlib"]
        ),
        // The job domain (jobs, states, events, deliveries, tokens, subscriptions), the JobStore protocol and
        // its implementations: what the agent and the bridge both build on, with no HTTP in it.
        .target(
            name: "JobStore",
            dependencies: [
                "Pipeline",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Bridge",
            dependencies: [
                "Pipeline", "JobStore", "CCurl",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator"), "EmbedOpenAPIDocument"]
        ),
        .executableTarget(
            name: "Agent",
            dependencies: [
                "Pipeline", "JobStore", "Bridge", "CInotify", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        .plugin(name: "EmbedOpenAPIDocument", capability: .buildTool()),

        // Fixtures the test targets share: generated PDFs and the path of the shared corpus.
        .target(name: "TestFixtures", dependencies: [
            "CCairo",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/Fixtures"),
        .testTarget(name: "PipelineTests", dependencies: ["Pipeline", "TestFixtures"]),
        .testTarget(name: "JobStoreTests", dependencies: [
            "JobStore", "Pipeline", "TestFixtures", .product(name: "Logging", package: "swift-log"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ]),
        .testTarget(name: "BridgeTests", dependencies: [
            "Bridge", "JobStore", "Pipeline", "TestFixtures", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
        ]),
        .testTarget(name: "AgentTests", dependencies: ["Agent", "JobStore", "Bridge", "Pipeline", "TestFixtures", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestFixtures"]),
    ]
)
