import FuzzSupport
@testable import HTTPServer

@_cdecl("FuzzHTTPRequest_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv, fuzzHTTPRequest)
}

/// The incremental HTTP/1.1 request parser, fed the input whole and then split at a point the input chooses: both
/// must reach the same verdicts, and nothing may crash.
func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzDriver.bytes(data, size)
    let whole = FuzzHTTPRequestSupport.events(bytes, split: nil)
    let split = FuzzHTTPRequestSupport.events(bytes, split: size > 0 ? Int(bytes[0]) % (size + 1) : 0)
    precondition(whole == split, "the verdict depends on how the bytes were split: \(whole) vs \(split)")
    return 0
}

enum FuzzHTTPRequestSupport {
    static func events(_ bytes: UnsafeRawBufferPointer, split: Int?) -> [String] {
        var parser = HTTPRequestParser(maxHeaderBytes: 4096, maxBodyBytes: 8192, listenerTag: 0, peer: "fuzz")
        var out: [String] = []
        let pieces: [UnsafeRawBufferPointer] = split.map {
            [UnsafeRawBufferPointer(rebasing: bytes[..<$0]), UnsafeRawBufferPointer(rebasing: bytes[$0...])]
        } ?? [bytes]
        for piece in pieces {
            var offset = 0
            while offset < piece.count {
                let (consumed, event) = parser.parse(UnsafeRawBufferPointer(rebasing: piece[offset...]))
                precondition(consumed > 0 && consumed <= piece.count - offset, "consumed \(consumed) of \(piece.count - offset)")
                offset += consumed
                switch event {
                case .needMore: break
                case .expectContinue: break
                case .request(let request, let keepAlive):
                    out.append("\(request.method) \(request.target) \(request.body.count) \(keepAlive)")
                case .failure(let failure):
                    out.append("\(failure.status)")
                    return out
                }
            }
        }
        return out
    }
}
