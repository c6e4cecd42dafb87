import Glibc
import Platform

/// Limits and timeouts of the server. Every field has a default; set only what you need.
public struct HTTPServerConfiguration: Sendable {
    /// Largest request line plus header section (and, separately, chunked trailer section); larger → 431.
    public var maxHeaderBytes: Int = 16384
    /// Largest request body (decoded, for chunked bodies); larger → 413, decided from Content-Length before reading.
    public var maxBodyBytes: Int = 65536
    /// Open client connections across all loops. Connections beyond it are accepted, answered 503 and closed.
    public var maxConnections: Int = 10000
    /// Seconds a keep-alive connection may sit idle between requests before it is closed silently.
    public var idleTimeout: Double = 60
    /// Seconds from the first byte of a request until it must be complete; past it → 408 and close.
    public var requestTimeout: Double = 10
    /// Event-loop threads, each with its own epoll instance. Defaults to the number of online CPUs.
    public var eventLoops: Int = HTTPServerConfiguration.onlineCPUs
    /// Requests one connection may have waiting for answers before the server stops reading from it.
    public var maxPipelinedRequests: Int = 32
    /// Unsent output one connection may hold before the server stops reading (and parsing) its further requests:
    /// a client that sends requests but never reads the answers holds at most about this much.
    public var maxPendingOutputBytes: Int = 16 << 10
    /// Unsent output plus read-ahead input across all connections. Beyond it, a connection whose output is backed
    /// up is closed, and new requests are answered 503 and closed, so that slow readers cannot exhaust memory.
    public var outputBudgetBytes: Int = 64 << 20
    /// Seconds a connection may hold unsent output without the client reading any of it; then it is closed.
    public var writeTimeout: Double = 10
    /// Connections one TCP client address may hold at once (nil: no cap). Addresses in `exemptAddresses`
    /// (trusted reverse proxies, which carry many clients) are not capped.
    public var maxConnectionsPerAddress: Int?
    public var exemptAddresses: [IPRange] = []

    /// The share of `maxConnections` that only Unix-socket peers may use (5 %, none below 20 connections), so
    /// that local services still connect while TCP clients fill the table.
    var reservedLocalConnections: Int { maxConnections >= 20 ? maxConnections / 20 : 0 }

    public init() {}

    public init(maxHeaderBytes: Int = 16384, maxBodyBytes: Int = 65536, maxConnections: Int = 10000,
                idleTimeout: Double = 60, requestTimeout: Double = 10,
                eventLoops: Int = HTTPServerConfiguration.onlineCPUs) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.requestTimeout = requestTimeout
        self.eventLoops = eventLoops
    }

    public static var onlineCPUs: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// A flat list of checks, each with a message that says what to change.
    func validate() throws(HTTPServerError) {
        func fail(_ message: String) -> HTTPServerError { HTTPServerError(.invalidConfiguration, message) }
        if maxHeaderBytes < 64 { throw fail("maxHeaderBytes is \(maxHeaderBytes); use at least 64") }
        if maxBodyBytes < 0 { throw fail("maxBodyBytes is \(maxBodyBytes); use 0 or more") }
        if maxConnections < 1 { throw fail("maxConnections is \(maxConnections); use at least 1") }
        if !(idleTimeout > 0) || !idleTimeout.isFinite { throw fail("idleTimeout must be a positive number of seconds") }
        if !(requestTimeout > 0) || !requestTimeout.isFinite { throw fail("requestTimeout must be a positive number of seconds") }
        if eventLoops < 1 || eventLoops > 256 { throw fail("eventLoops is \(eventLoops); use 1 to 256") }
        if maxPipelinedRequests < 1 { throw fail("maxPipelinedRequests is \(maxPipelinedRequests); use at least 1") }
        if maxPendingOutputBytes < 1024 { throw fail("maxPendingOutputBytes is \(maxPendingOutputBytes); use at least 1024") }
        if outputBudgetBytes < maxPendingOutputBytes {
            throw fail("outputBudgetBytes is \(outputBudgetBytes); use at least maxPendingOutputBytes (\(maxPendingOutputBytes))")
        }
        if !(writeTimeout > 0) || !writeTimeout.isFinite { throw fail("writeTimeout must be a positive number of seconds") }
        if let cap = maxConnectionsPerAddress, cap < 1 { throw fail("maxConnectionsPerAddress is \(cap); use at least 1") }
    }
}
