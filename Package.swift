// swift-tools-version:6.0
import PackageDescription

// Module arrows point one way:
//   C shims → JSON / JOSE / Store / Passwords / Settings → Plugins → Service → AuthdCLI → authd
//   HTTPServer depends on nothing but Glibc; Service adapts it to tokens.
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

        .target(name: "JSON"),
        .target(name: "JOSE", dependencies: ["COpenSSL", "JSON"]),
        .target(name: "Settings", dependencies: ["CYAML"]),
        .target(name: "Plugins", dependencies: ["Settings", "JSON", "Store"]),
        .target(name: "Store", dependencies: ["CSQLite"]),
        .target(name: "Passwords", dependencies: ["COpenSSL"]),
        .target(name: "HTTPServer", dependencies: ["CEpoll"]),
        .target(name: "LoadGenerator"),
        .target(name: "Service", dependencies: [
            "COpenSSL", "JSON", "JOSE", "Settings", "Plugins", "Store", "Passwords", "HTTPServer",
        ]),
        .target(name: "AuthdCLI", dependencies: ["Service", "Settings", "JOSE", "JSON", "Store", "Passwords", "Plugins",
                                           "LoadGenerator"]),
        .executableTarget(name: "authd", dependencies: ["AuthdCLI"]),

        .target(name: "TestSupport", dependencies: ["JSON"], path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "JSON", "TestSupport"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "PasswordsTests", dependencies: ["Passwords", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "Settings", "Store", "JSON", "TestSupport"]),
        .testTarget(name: "LoadGeneratorTests", dependencies: ["LoadGenerator", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: ["authd", "JSON", "JOSE", "TestSupport"], exclude: ["Interop"]),
    ],
    swiftLanguageModes: [.v6]
)
