// swift-tools-version:6.0
import PackageDescription

// Module arrows point one way (README "Architecture"):
//   C shims → Platform (the system-call funnel, descriptor owner, threads, clocks: nothing but Glibc and CEpoll)
//   Metrics (counters, histograms, Prometheus text: nothing but Synchronization) → API, Assembly, Daemon
//   Platform → JSON, JOSE, Logging, Store, Passwords, HTTPServer, LoadGenerator
//   JOSE, Logging, Passwords → Settings (which decodes into their types: no string mappings)
//   Store → StoreSQLite, StorePostgres (libpq);  Settings, Store → Plugins
//   Tokens (the token domain: no HTTP) → API (routes, request fields, deliveries) → Assembly (settings → Runtime)
//   → Daemon (process: listeners, signals, systemd) → AuthdCLI → authd
//   HTTPServer knows no JWT; Tokens knows no HTTP; only Assembly knows which store backend is used.
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
        .systemLibrary(name: "CPostgres", path: "Sources/CPostgres"),

        .target(name: "Platform", dependencies: ["CEpoll"]),
        .target(name: "JSON"),
        .target(name: "JOSE", dependencies: ["COpenSSL", "JSON"]),
        .target(name: "Logging"),
        .target(name: "Settings", dependencies: ["CYAML", "JOSE", "Logging", "Passwords", "Platform"]),
        .target(name: "Store"),
        .target(name: "StoreSQLite", dependencies: ["CSQLite", "Platform", "Store"]),
        .target(name: "StorePostgres", dependencies: ["CPostgres", "Platform", "Store"]),
        .target(name: "Passwords", dependencies: ["COpenSSL", "Platform"]),
        .target(name: "HTTPServer", dependencies: ["CEpoll", "Platform"]),
        .target(name: "LoadGenerator", dependencies: ["Platform"]),
        .target(name: "Plugins", dependencies: ["Platform", "Settings", "JSON", "Store"]),
        .target(name: "Tokens", dependencies: ["COpenSSL", "JSON", "JOSE", "Logging", "Passwords", "Platform", "Store"]),
        .target(name: "Metrics"),
        .target(name: "API", dependencies: ["HTTPServer", "JSON", "Tokens", "Metrics", "Platform"]),
        .target(name: "Assembly", dependencies: [
            "API", "HTTPServer", "JOSE", "JSON", "Logging", "Passwords", "Platform", "Plugins", "Settings", "Store",
            "StoreSQLite", "StorePostgres", "Tokens", "Metrics",
        ]),
        .target(name: "Daemon", dependencies: ["Assembly", "HTTPServer", "Logging", "Platform", "Plugins", "Settings",
                                         "Metrics"]),
        .target(name: "AuthdCLI", dependencies: ["Assembly", "Daemon", "JOSE", "JSON", "LoadGenerator", "Passwords",
                                           "Platform", "Plugins", "Settings", "Store", "Tokens"]),
        .executableTarget(name: "authd", dependencies: ["AuthdCLI"]),

        .target(name: "TestSupport", dependencies: ["JOSE", "JSON", "Logging", "Passwords", "Platform", "Store", "StoreSQLite",
                                                  "Tokens"], path: "Tests/TestSupport"),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "TokensTests", dependencies: ["Tokens", "Store", "Platform", "JSON", "TestSupport"]),
        .testTarget(name: "APITests", dependencies: ["API", "HTTPServer", "Tokens", "Store", "JSON", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON", "TestSupport"]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "JSON", "TestSupport"]),
        .testTarget(name: "SettingsTests", dependencies: ["Settings", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "StoreSQLite", "StorePostgres", "TestSupport"]),
        .testTarget(name: "PasswordsTests", dependencies: ["Passwords", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "Settings", "Store", "StoreSQLite", "JSON", "TestSupport"]),
        .testTarget(name: "LoadGeneratorTests", dependencies: ["LoadGenerator", "Platform", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: ["authd", "JSON", "JOSE", "TestSupport"], exclude: ["Interop"]),
    ],
    swiftLanguageModes: [.v6]
)
