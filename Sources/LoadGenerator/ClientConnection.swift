import Platform

/// One client connection of a worker: its descriptor (owned: closed by `close()` or `deinit`), the request
/// being sent and the response bytes received.
final class ClientConnection {
    enum State { case closed, connecting, sending, receiving, holding }

    private var socket: FileDescriptor?
    var state = State.closed
    var request: [UInt8] = []
    var sent = 0
    var input: [UInt8] = []
    var scanFrom = 0
    /// When the current request started (monotonic ns).
    var started: UInt64 = 0
    /// A closed connection reconnects at this time (a pause after a failed connect avoids spinning).
    var reconnectAt: UInt64 = 0

    /// The socket's number, or -1 while closed.
    var fd: Int32 { socket?.raw ?? -1 }

    func adopt(_ descriptor: FileDescriptor) {
        close()
        socket = descriptor
        state = .connecting
    }

    func close() {
        socket?.close()
        socket = nil
        state = .closed
        input.removeAll(keepingCapacity: true)
        scanFrom = 0
        sent = 0
    }
}
