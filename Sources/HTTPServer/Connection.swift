import Platform

/// The state of one client connection. Owned by exactly one event loop and touched only on its thread.
/// Kept small: an idle keep-alive connection holds no buffers at all.
final class Connection {
    /// A place in the answer order: one per request, plus one per interim `100 Continue`.
    struct Slot {
        enum Content {
            case waiting
            case ready(HTTPResponse)
            case interimContinue
        }

        let sequence: UInt64
        var content: Content
        /// The request asked to close (Connection: close, HTTP/1.0 without keep-alive) or was refused.
        var closes: Bool
        let isHead: Bool
        let isHTTP10: Bool

        var isReady: Bool {
            if case .waiting = content { return false }
            return true
        }
    }

    let socket: FileDescriptor
    /// Generation in the high 32 bits, fd in the low 32: a late deferred answer for a closed connection cannot
    /// reach a new connection that reused the fd.
    let id: UInt64
    let isTCP: Bool
    /// The client's IP address, or "unix": the key of the per-address connection cap.
    let peer: String
    var parser: HTTPRequestParser

    var slots: [Connection.Slot] = []
    var nextSequence: UInt64 = 0
    var output: [UInt8] = []
    var outputOffset = 0
    /// Bytes read beyond a full pipeline; parsed once earlier answers have gone out.
    var stash: [UInt8] = []
    /// False after a request that ends the connection, after a refused request, or after the peer's EOF.
    var acceptsRequests = true
    var closeWhenFlushed = false
    var peerClosed = false
    /// Non-zero while lingering: writes are shut down, reads are discarded until this monotonic time.
    var lingerDeadline: UInt64 = 0
    var lastActivity: UInt64
    /// When the first byte of the current partial request arrived, 0 if none. A new connection starts its clock
    /// when it is accepted: its first request must arrive within the request timeout, so a connection that
    /// never sends a byte cannot hold a slot for the whole idle timeout.
    var requestStart: UInt64
    /// Until the first request (or refusal), empty lines do not count as progress.
    var awaitingFirstRequest = true
    /// When unsent output last appeared or shrank: a client that reads none of it for the write timeout is dropped.
    var lastWriteProgress: UInt64
    /// Waiting in the loop's list of connections to drive again (it still has requests read ahead).
    var scheduledResume = false
    /// Unsent output plus stashed input, as last added to the server-wide count (`ConnectionCounter.bufferedBytes`).
    var accountedBytes = 0
    var registeredEvents: UInt32

    init(socket: FileDescriptor, id: UInt64, isTCP: Bool, peer: String, parser: HTTPRequestParser, now: UInt64,
         events: UInt32) {
        self.socket = socket
        self.id = id
        self.isTCP = isTCP
        self.peer = peer
        self.parser = parser
        self.lastActivity = now
        self.requestStart = now
        self.lastWriteProgress = now
        self.registeredEvents = events
    }

    var pendingOutput: Int { output.count - outputOffset }

    /// What this connection holds in buffers: unsent output and input read ahead of the pipeline.
    var bufferedBytes: Int { pendingOutput + stash.count }

    var isLingering: Bool { lingerDeadline != 0 }

    /// Nothing received, nothing owed, nothing to send: safe to close without losing anything.
    var isIdle: Bool {
        slots.isEmpty && pendingOutput == 0 && stash.isEmpty && !parser.isMidRequest && !isLingering
    }
}
