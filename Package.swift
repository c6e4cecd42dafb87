// swift-tools-version:6.0
import PackageDescription

// Module arrows point one way:
//   C shims → Platform → JSON / JOSE / Store / Passwords / Settings → Plugins → Service → AuthdCLI → authd
//   Platform (the system-call funnel, descriptor owner, threads, clocks) depends on nothing but Glibc and
//   CEpoll. HTTPServer depends on nothing but Platform and CEpoll; Service adapts it to tokens.
let package = Package(
    name: "authd",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "authd", targets: ["authd"]),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CYAML", path: "Sources/CYAML"),
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),

        .target(name: "Platform", dependencies: ["CEpoll"]),
        .target(name: "JSON"),
        .target(name: "JOSE", dependencies: ["COpenSSL", "JSON"]),
        .target(name: "Settings", dependencies: ["CYAML", "Platform"]),
        .target(name: "Plugins", dependencies: ["Platform", "Settings", "JSON", "Store"]),
        .target(name: "Store", dependencies: ["CSQLite", "Platform"]),
        .target(name: "Passwords", dependencies: ["COpenSSL", "Platform"]),
        .target(name: "HTTPServer", dependencies: ["CEpoll", "Platform"]),
        .target(name: "LoadGenerator", dependencies: ["Platform"]),
        .target(name: "Service", dependencies: [
            "COpenSSL", "JSON", "JOSE", "Settings", "Plugins", "Store", "Passwords", "HTTPServer",
        ]),
        .target(name: "AuthdCLI", dependencies: ["Platform", "Service", "Settings", "JOSE", "JSON", "Store", "Passwords",
                                           "Plugins", "LoadGenerator"]),
        .executableTarget(name: "authd", dependencies: ["AuthdCLI"]),

        .target(name: "TestSupport", dependencies: ["JSON"], path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "JSON", "TestSupport"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "PasswordsTests", dependencies: ["Passwords"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "Settings", "Store", "JSON"]),
        .testTarget(name: "LoadGeneratorTests", dependencies: ["LoadGenerator", "Platform"]),
        .testTarget(name: "DaemonTests", dependencies: ["authd", "JSON", "JOSE", "TestSupport"], exclude: ["Interop"]),
    ],
    swiftLanguageModes: [.v6]
)
