// swift-tools-version:6.0
import Foundation
import PackageDescription

// ISA-L's igzip inflates gzip about four times faster than zlib. It is used when its headers are installed
// (Debian's libisal-dev), and zlib, which is always built, serves otherwise. GRAYGATE_WITHOUT_ISAL=1 builds
// without it even when present, to test the fallback.
let hasISAL = FileManager.default.fileExists(atPath: "/usr/include/isa-l/igzip_lib.h")
    && ProcessInfo.processInfo.environment["GRAYGATE_WITHOUT_ISAL"] == nil

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

        // ISA-L from the Debian package libisal-dev: the fast gzip inflater, used when present.
        .systemLibrary(
            name: "CISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),

        // libmicrohttpd from the Debian package libmicrohttpd-dev: the HTTP server behind the Prometheus
        // `/metrics` endpoint.
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),

        // MARK: - Engine

        .target(
            name: "GraygateCore",
            dependencies: ["CZlib", "CMicroHTTPD"] + (hasISAL ? ["CISAL"] : []),
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
            dependencies: ["GraygateCore", "CZlib", "CMicroHTTPD"],
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
