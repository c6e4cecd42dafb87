/// An incremental HTTP/1.1 request parser for one connection. Feed it whatever bytes arrived; it consumes them
/// and reports events. It keeps only what it must between reads (an unfinished head or chunk-size line and the
/// body so far), so an idle connection holds no buffers.
struct HTTPRequestParser {
    enum Event {
        /// Everything given was consumed; the request is not complete yet.
        case needMore
        /// The head asked for `100-continue` and no body byte has arrived yet.
        case expectContinue
        case request(HTTPRequest, keepAlive: Bool)
        /// The request is refused; the connection must answer this and close.
        case failure(ParseFailure)
    }

    private enum State {
        case head
        case body(remaining: Int)
        case chunkSizeLine
        case chunkData(remaining: Int)
        case chunkDataEnd(sawCR: Bool)
        case trailers
        case failed
    }

    /// Longest chunk-size line accepted (hex digits plus extensions); real clients send a few bytes.
    static let maxChunkLineBytes = 1024

    private let maxHeaderBytes: Int
    private let maxBodyBytes: Int
    private let listenerTag: Int
    private let peer: String

    private var state = State.head
    private var headBytes: [UInt8] = []
    private var headCount = 0
    private var lineLength = 0
    private var lineCount = 0
    private var sawCR = false
    private var lineBytes: [UInt8] = []
    private var trailerCount = 0
    private var head: RequestHead?
    private var body: [UInt8] = []

    init(maxHeaderBytes: Int, maxBodyBytes: Int, listenerTag: Int, peer: String) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.listenerTag = listenerTag
        self.peer = peer
    }

    /// True once any byte of a request (other than the empty lines allowed before it) has been consumed.
    var isMidRequest: Bool {
        if case .head = state { return lineLength > 0 || lineCount > 0 }
        return true
    }

    /// Consumes a prefix of `input` (at least one byte when `input` is not empty) and reports what it completed.
    mutating func parse(_ input: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        guard !input.isEmpty else { return (0, .needMore) }
        switch state {
        case .head: return parseHead(input)
        case let .body(remaining): return parseBody(input, remaining: remaining)
        case .chunkSizeLine: return parseChunkSizeLine(input)
        case let .chunkData(remaining): return parseChunkData(input, remaining: remaining)
        case let .chunkDataEnd(sawCR): return parseChunkDataEnd(input, sawCR: sawCR)
        case .trailers: return parseTrailers(input)
        case .failed: return (input.count, .failure(.badRequest("The connection is closing.")))
        }
    }

    // MARK: Head

    private mutating func parseHead(_ input: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        // Every byte of every request head passes through this loop: its state lives in locals (registers), not
        // in the parser, and is written back only when the head continues in a later read. Only CR, LF and the
        // byte over the limit take the careful path below.
        var index = 0
        var end: Int?
        var count = headCount, length = lineLength, lines = lineCount, afterCR = sawCR
        let limit = maxHeaderBytes
        while index < input.count {
            if !afterCR {
                // A run of ordinary bytes, up to the next CR or LF or the size limit, without per-byte bookkeeping.
                let start = index, stop = min(input.count, index + (limit - count))
                while index < stop, input[index] != ASCII.cr, input[index] != ASCII.lf { index += 1 }
                count += index - start
                length += index - start
                guard index < input.count else { break }
            }
            let byte = input[index]
            index += 1
            count += 1
            if count > limit {
                return fail(index, ParseFailure(431, "Request header section is larger than \(maxHeaderBytes) bytes."))
            }
            if afterCR {
                guard byte == ASCII.lf else { return fail(index, .badRequest("Bare CR in request head.")) }
                afterCR = false
                if length > 0 {
                    lines += 1
                    length = 0
                } else if lines > 0 {
                    end = index
                    break
                }
                // An empty line before the request line is ignored (RFC 9112 §2.2).
            } else if byte == ASCII.cr {
                afterCR = true
            } else if byte == ASCII.lf {
                return fail(index, .badRequest("Bare LF in request head; lines must end with CRLF."))
            } else {
                length += 1
            }
        }
        guard let headEnd = end else {
            (headCount, lineLength, lineCount, sawCR) = (count, length, lines, afterCR)
            headBytes.append(contentsOf: input)
            return (input.count, .needMore)
        }

        let result: Result<RequestHead, ParseFailure>
        if headBytes.isEmpty {
            result = RequestHead.parse(UnsafeRawBufferPointer(rebasing: input[..<headEnd]), maxBodyBytes: maxBodyBytes)
        } else {
            headBytes.append(contentsOf: input[..<headEnd])
            result = headBytes.withUnsafeBytes { RequestHead.parse($0, maxBodyBytes: maxBodyBytes) }
        }
        headBytes = []
        (headCount, lineLength, lineCount, sawCR) = (0, 0, 0, false)

        switch result {
        case let .failure(failure):
            return fail(headEnd, failure)
        case let .success(parsed):
            head = parsed
            switch parsed.framing {
            case .none:
                return (headEnd, complete())
            case let .length(length):
                body.reserveCapacity(length)
                state = .body(remaining: length)
            case .chunked:
                state = .chunkSizeLine
            }
            if parsed.expectsContinue && headEnd == input.count {
                return (headEnd, .expectContinue)
            }
            return (headEnd, .needMore)
        }
    }

    // MARK: Body

    private mutating func parseBody(_ input: UnsafeRawBufferPointer, remaining: Int) -> (consumed: Int, event: Event) {
        let count = min(remaining, input.count)
        body.append(contentsOf: input[..<count])
        if count == remaining { return (count, complete()) }
        state = .body(remaining: remaining - count)
        return (count, .needMore)
    }

    /// Collects one CRLF-terminated line into `lineBytes`; returns the bytes consumed and whether it ended.
    private mutating func collectLine(_ input: UnsafeRawBufferPointer, limit: Int, tooLong: ParseFailure)
        -> (consumed: Int, complete: Bool, failure: ParseFailure?) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            if sawCR {
                sawCR = false
                guard byte == ASCII.lf else { return (index, false, .badRequest("Bare CR in chunked body.")) }
                return (index, true, nil)
            } else if byte == ASCII.cr {
                sawCR = true
            } else if byte == ASCII.lf {
                return (index, false, .badRequest("Bare LF in chunked body."))
            } else {
                lineBytes.append(byte)
                if lineBytes.count > limit { return (index, false, tooLong) }
            }
        }
        return (index, false, nil)
    }

    private mutating func parseChunkSizeLine(_ input: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        let (consumed, lineEnded, failure) = collectLine(input, limit: Self.maxChunkLineBytes,
                                                         tooLong: .badRequest("Chunk size line is too long."))
        if let failure { return fail(consumed, failure) }
        guard lineEnded else { return (consumed, .needMore) }
        let line = lineBytes
        lineBytes = []
        guard let size = Self.chunkSize(line) else { return fail(consumed, .badRequest("Invalid chunk size.")) }
        if size == 0 {
            state = .trailers
            trailerCount = 0
            return (consumed, .needMore)
        }
        if size > maxBodyBytes - body.count {
            return fail(consumed, ParseFailure(413, "Request body is larger than \(maxBodyBytes) bytes."))
        }
        state = .chunkData(remaining: size)
        return (consumed, .needMore)
    }

    /// chunk-size = 1*HEXDIG, then optional `;` extensions which are checked for stray bytes and ignored.
    /// Whitespace after the size (RFC 9112's "bad whitespace", which senders must not generate) is refused, as
    /// strict parsers do: lenient and strict hops reading one body differently is how requests are smuggled.
    static func chunkSize(_ line: [UInt8]) -> Int? {
        var index = 0
        var size = 0
        while index < line.count, let digit = hexValue(line[index]) {
            // 15 hex digits already exceed any body limit; more would overflow.
            guard index < 15 else { return nil }
            size = size * 16 + digit
            index += 1
        }
        guard index > 0 else { return nil }
        guard index < line.count else { return size }
        guard line[index] == UInt8(ascii: ";") else { return nil }
        guard line[index...].allSatisfy(ASCII.isFieldValueByte) else { return nil }
        return size
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private mutating func parseChunkData(_ input: UnsafeRawBufferPointer, remaining: Int) -> (consumed: Int, event: Event) {
        let count = min(remaining, input.count)
        body.append(contentsOf: input[..<count])
        state = count == remaining ? .chunkDataEnd(sawCR: false) : .chunkData(remaining: remaining - count)
        return (count, .needMore)
    }

    private mutating func parseChunkDataEnd(_ input: UnsafeRawBufferPointer, sawCR: Bool) -> (consumed: Int, event: Event) {
        let byte = input[0]
        if !sawCR {
            guard byte == ASCII.cr else { return fail(1, .badRequest("Chunk data is not followed by CRLF.")) }
            state = .chunkDataEnd(sawCR: true)
            return (1, .needMore)
        }
        guard byte == ASCII.lf else { return fail(1, .badRequest("Chunk data is not followed by CRLF.")) }
        state = .chunkSizeLine
        return (1, .needMore)
    }

    /// Trailer fields are validated like header fields and then dropped: nothing in authd reads them.
    private mutating func parseTrailers(_ input: UnsafeRawBufferPointer) -> (consumed: Int, event: Event) {
        let tooLarge = ParseFailure(431, "Request trailer section is larger than \(maxHeaderBytes) bytes.")
        let (consumed, lineEnded, failure) = collectLine(input, limit: maxHeaderBytes, tooLong: tooLarge)
        trailerCount += consumed
        if let failure { return fail(consumed, failure) }
        if trailerCount > maxHeaderBytes { return fail(consumed, tooLarge) }
        guard lineEnded else { return (consumed, .needMore) }
        let line = lineBytes
        lineBytes = []
        if line.isEmpty { return (consumed, complete()) }
        let field = line.withUnsafeBytes { RequestHead.parseField($0) }
        if case let .failure(failure) = field { return fail(consumed, failure) }
        return (consumed, .needMore)
    }

    // MARK: Outcomes

    private mutating func complete() -> Event {
        guard let head else { return .failure(.badRequest("Request without a head.")) }
        var request = HTTPRequest(method: head.method, target: head.target, version: head.version, headers: head.headers,
                                  body: [], listenerTag: listenerTag, peer: peer)
        request.body = body
        self.head = nil
        body = []
        state = .head
        return .request(request, keepAlive: head.keepAlive)
    }

    private mutating func fail(_ consumed: Int, _ failure: ParseFailure) -> (consumed: Int, event: Event) {
        state = .failed
        headBytes = []
        lineBytes = []
        body = []
        head = nil
        return (consumed, .failure(failure))
    }
}
