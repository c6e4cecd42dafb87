import Foundation

/// Runs a program to completion and captures its output — shared by every test target that drives a real
/// binary (authd itself, python3, openssl).
public struct TestProcess {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` (an absolute path, or a name looked up in PATH) with `arguments`, feeding `stdin`.
    /// Output is drained concurrently, so a child that writes a lot to both streams cannot deadlock.
    public static func run(
        _ executable: String, _ arguments: [String] = [], stdin: [UInt8] = [], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws -> Output {
        let process = Process()
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw LaunchError(description: "cannot start \(executable): \(error)")
        }
        let collected = Collected()
        let group = DispatchGroup()
        for (handle, isStdout) in [(output.fileHandleForReading, true), (errors.fileHandleForReading, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = handle.readDataToEndOfFile()
                collected.set([UInt8](data), stdout: isStdout)
                group.leave()
            }
        }
        if !stdin.isEmpty { input.fileHandleForWriting.write(Data(stdin)) }
        try? input.fileHandleForWriting.close()
        group.wait()
        process.waitUntilExit()
        let (out, err) = collected.get()
        return Output(status: process.terminationStatus, stdout: out, stderr: err)
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out: [UInt8] = []
        private var err: [UInt8] = []
        func set(_ bytes: [UInt8], stdout: Bool) {
            lock.lock()
            defer { lock.unlock() }
            if stdout { out = bytes } else { err = bytes }
        }
        func get() -> ([UInt8], [UInt8]) {
            lock.lock()
            defer { lock.unlock() }
            return (out, err)
        }
    }
}
