import HTTPServer
import Platform

/// Which client a request comes from, for throttling and the audit log: the socket peer, unless that peer is a
/// trusted reverse proxy (`security.trusted_proxies`); then `X-Real-IP`, else the rightmost `X-Forwarded-For`
/// address that is not itself a trusted proxy (nginx's `real_ip_recursive on`). Values that are not IP
/// addresses are ignored, so a forged header can never produce a key the socket could not.
enum ClientAddress {
    static func of(_ request: HTTPRequest, trusting proxies: [IPRange]) -> String {
        let peer = request.peer
        guard !proxies.isEmpty, proxies.containsAddress(peer) else { return peer }
        if let real = request.headers["X-Real-IP"].map({ String(Substring(real: $0)) }), IPRange.isAddress(real) {
            return real
        }
        let hops = request.headers.values(for: "X-Forwarded-For")
            .flatMap { $0.split(separator: ",") }
            .map { String(Substring(real: String($0))) }
        for hop in hops.reversed() {
            guard IPRange.isAddress(hop) else { return peer }
            if !proxies.containsAddress(hop) { return hop }
        }
        return peer
    }
}

private extension Substring {
    /// The value without surrounding spaces and tabs.
    init(real text: String) {
        var value = Substring(text)
        while let first = value.first, first == " " || first == "\t" { value = value.dropFirst() }
        while let last = value.last, last == " " || last == "\t" { value = value.dropLast() }
        self = value
    }
}
