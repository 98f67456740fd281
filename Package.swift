// swift-tools-version:6.0
import PackageDescription

// MARK: - Shared settings

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "graygate",
    products: [
        .executable(name: "graygate", targets: ["graygate"]),
        .library(name: "GraygateCore", targets: ["GraygateCore"]),
    ],
    targets: [
        // MARK: - System libraries

        // zlib from the Debian package zlib1g-dev: gzip inflate for input and deflate for `simulate`.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: - Engine

        .target(
            name: "GraygateCore",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Command-line tool

        .executableTarget(
            name: "graygate",
            dependencies: ["GraygateCore"],
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests

        .testTarget(
            name: "GraygateCoreTests",
            dependencies: ["GraygateCore", "CZlib"],
            swiftSettings: swiftSettings
        ),

        // Runs the built executable as a user does: exit statuses, streams, files and messages.
        .testTarget(
            name: "GraygateCLITests",
            dependencies: ["graygate"],
            swiftSettings: swiftSettings
        ),
    ]
)
