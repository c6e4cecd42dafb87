import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `authd` binary: a temporary state folder, a generated key, a settings file, and `authd serve`
/// listening on an ephemeral TCP port and a Unix socket. CLI commands run against the same settings file.
final class DaemonFixture {
    static var binary: String {
        if let override = ProcessInfo.processInfo.environment["AUTHD_BINARY"] { return override }
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var dir = testBundle
        // .build/<triple>/debug/authdPackageTests.xctest → .build/<triple>/debug/authd
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("authd").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("authd").path
    }

    let directory: String
    let configPath: String
    let socketPath: String
    private(set) var port: UInt16 = 0
    private var process: Process?
    private let stderrLog = LockedBuffer()

    struct Options {
        var algorithm = "HS256"
        var simpleJWT: [String: String] = [:]
        var extraYAML = ""
        var iterations = 1000
        var startServer = true
        var poolWorkers: Int?
        var poolQueue: Int?
    }

    init(_ options: Options = Options()) throws {
        directory = NSTemporaryDirectory() + "authd-test-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        configPath = directory + "/authd.yaml"
        socketPath = directory + "/authd.sock"
        let keyPath = directory + "/signing.key"
        let generated = Self.run(["keys", "generate", "--algorithm", options.algorithm, "--out", keyPath])
        guard generated.status == 0 else { throw ClientError("keys generate failed: \(generated.stderr)") }

        var simpleJWT = [
            "ALGORITHM": options.algorithm,
            "SIGNING_KEY_FILE": keyPath,
        ]
        for (k, v) in options.simpleJWT { simpleJWT[k] = v }
        var yaml = "SIMPLE_JWT:\n"
        for (k, v) in simpleJWT.sorted(by: { $0.key < $1.key }) { yaml += "  \(k): \(v)\n" }
        yaml += """
            listen:
              - tcp: 127.0.0.1:0
              - unix: \(socketPath)
                mode: "0660"
            store:
              sqlite: \(directory)/authd.sqlite3
            passwords:
              iterations: \(options.iterations)\(options.poolWorkers.map { "\n  workers: \($0)" } ?? "")\(options.poolQueue.map { "\n  queue: \($0)" } ?? "")
            logging:
              level: debug

            """
        yaml += options.extraYAML
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
        if options.startServer { try start() }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var keyPath: String { directory + "/signing.key" }
    var log: String { stderrLog.text }

    func start() throws {
        stderrLog.clear()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "--config", configPath]
        let errPipe = Pipe()
        process.standardError = errPipe
        process.standardOutput = FileHandle.nullDevice
        let log = stderrLog
        errPipe.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = stderrLog.text
            if text.contains("ready") {
                if let range = text.range(of: #"listening on 127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                    let match = text[range]
                    port = UInt16(match.split(separator: ":").last!)!
                }
                return
            }
            if !process.isRunning { throw ClientError("authd serve exited early:\n\(text)") }
            usleep(20_000)
        }
        throw ClientError("authd serve did not become ready:\n\(stderrLog.text)")
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) -> Int32 {
        guard let process, process.isRunning else { return process?.terminationStatus ?? 0 }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    var isRunning: Bool { process?.isRunning ?? false }

    func tcp() throws -> RawHTTPClient { try RawHTTPClient(.tcp(host: "127.0.0.1", port: port)) }
    func unix() throws -> RawHTTPClient { try RawHTTPClient(.unix(path: socketPath)) }

    /// Runs an `authd` CLI command against this fixture's settings file.
    func cli(_ arguments: [String], stdin: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        Self.run(arguments + ["--config", configPath], stdin: stdin)
    }

    func addUser(_ name: String, password: String, extra: [String] = []) throws {
        let result = cli(["user", "add", name, "--password-stdin"] + extra, stdin: password + "\n")
        guard result.status == 0 else { throw ClientError("user add failed: \(result.stderr)") }
    }

    static func run(_ arguments: [String], stdin: String? = nil) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        do { try process.run() } catch { return (127, "", "\(error)") }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self),
                String(decoding: stderrData, as: UTF8.self))
    }
}

final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.lock(); data.append(more); lock.unlock() }
    func clear() { lock.lock(); data.removeAll(); lock.unlock() }
    var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
}
