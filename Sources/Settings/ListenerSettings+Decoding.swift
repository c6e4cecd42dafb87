import Glibc

extension ListenerSettings {
    static let knownKeys = ["tcp", "unix", "systemd", "mode", "group", "delivery", "prefix"] + ["metrics"]
    static let tcpExample = "HOST:PORT such as \"127.0.0.1:8000\" or \"[::1]:8000\""

    /// Decodes `listen:`; absent or null means the default loopback listener, like any empty section.
    static func decodeList(_ field: Field?, decoder: SettingsDecoder) -> [ListenerSettings] {
        guard let field, !field.value.isNull else { return [.default] }
        guard let items = field.value.sequence else {
            decoder.wrongType(field, expected: "a list of listeners such as \"- tcp: 127.0.0.1:8000\"")
            return []
        }
        guard !items.isEmpty else {
            decoder.error(.invalidValue, field, "expected at least one listener, such as \"- tcp: 127.0.0.1:8000\"")
            return []
        }
        var listeners: [ListenerSettings] = []
        var seen: [ListenAddress: String] = [:]
        for (index, item) in items.enumerated() {
            let path = "listen[\(index)]"
            guard let listener = decode(item, path: path, decoder: decoder) else { continue }
            if case .tcp(_, 0) = listener.address.kind {
                // Several ephemeral ports on one host are distinct sockets.
            } else if let first = seen[listener.address] {
                decoder.error(.invalidValue, at: item.mark, path, "\(listener.address) is already used by \(first)")
                continue
            }
            seen[listener.address] = path
            listeners.append(listener)
        }
        return listeners
    }

    private static func decode(_ item: YAMLNode, path: String, decoder: SettingsDecoder) -> ListenerSettings? {
        guard item.mapping != nil else {
            decoder.error(.wrongType, at: item.mark, path,
                          "expected a listener mapping such as \"tcp: 127.0.0.1:8000\", got \(item.kindDescription)")
            return nil
        }
        guard let fields = decoder.fields(of: item, errorMark: item.mark, path: path, known: knownKeys) else { return nil }
        let kinds = ["tcp", "unix", "systemd"].compactMap { fields[$0] }
        guard kinds.count == 1, let kindField = kinds.first else {
            if kinds.isEmpty {
                decoder.error(.missingValue, at: item.mark, path, "a listener needs one of tcp, unix or systemd")
            } else {
                decoder.error(.invalidValue, kinds[1], "a listener has exactly one of tcp, unix or systemd; make one entry for each")
            }
            return nil
        }
        var ok = true
        var address: ListenAddress?
        switch kindField.key.scalar {
        case "tcp":
            address = tcpAddress(kindField, decoder: decoder)
        case "unix":
            address = unixAddress(kindField, fields: fields, decoder: decoder)
        default:
            if let flag = decoder.bool(kindField) {
                if flag {
                    address = .systemd
                } else {
                    decoder.error(.invalidValue, kindField, "set systemd: true to use sockets passed by systemd, or remove this listener")
                }
            }
        }
        if kindField.key.scalar != "unix" {
            for name in ["mode", "group"] {
                if let field = fields[name] {
                    decoder.error(.invalidValue, field, "\(name) applies only to unix listeners; remove it")
                    ok = false
                }
            }
        }
        var listener = ListenerSettings(address: .systemd, mark: item.mark)
        if let field = fields["delivery"] {
            if let name = decoder.choice(field, Delivery.allCases.map(\.rawValue)), let delivery = Delivery(rawValue: name) {
                listener.delivery = delivery
            } else {
                ok = false
            }
        }
        if let field = fields["prefix"] {
            if let prefix = decoder.string(field, expected: "a URL path such as \"/api/token\""),
               validPrefix(prefix, field: field, decoder: decoder) {
                listener.prefix = prefix
            } else {
                ok = false
            }
        }
        guard ok, let address else { return nil }
        listener.address = address
        if case .unix = address.kind { listener.metrics = true }
        if let field = fields["metrics"] {
            guard let flag = decoder.bool(field) else { return nil }
            listener.metrics = flag
        }
        return listener
    }

    private static func tcpAddress(_ field: Field, decoder: SettingsDecoder) -> ListenAddress? {
        guard let text = field.value.scalar, !field.value.isNull else {
            decoder.error(.wrongType, field, "expected \(tcpExample), got \(field.value.kindDescription) (quote IPv6 addresses)")
            return nil
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                decoder.error(.invalidValue, field, "expected \(tcpExample), got \"\(text)\"")
                return nil
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            guard isIPAddress(String(host), family: AF_INET6) else {
                decoder.error(.invalidValue, field, "\"\(host)\" is not an IPv6 address")
                return nil
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                decoder.error(.invalidValue, field, "expected \(tcpExample), got \"\(text)\"")
                return nil
            }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") {
                decoder.error(.invalidValue, field, "write IPv6 addresses in brackets, such as \"[::1]:8000\"")
                return nil
            }
            if host.isEmpty || host == "*" {
                decoder.error(.invalidValue, field, "missing host; use 127.0.0.1 for this machine only, or 0.0.0.0 for every IPv4 address")
                return nil
            }
            guard host == "localhost" || isIPAddress(String(host), family: AF_INET) else {
                decoder.error(.invalidValue, field,
                              "\"\(host)\" is not an IP address; use an IPv4 address, [IPv6] or localhost (authd does not resolve host names)")
                return nil
            }
        }
        guard !portText.isEmpty, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), port <= 65535 else {
            decoder.error(.invalidValue, field, "port \"\(portText)\" must be a number from 1 to 65535 (0 picks a free port)")
            return nil
        }
        return .tcp(host: String(host), port: port)
    }

    private static func isIPAddress(_ text: String, family: Int32) -> Bool {
        var buffer = (UInt64(0), UInt64(0))  // room for an in6_addr
        return withUnsafeMutableBytes(of: &buffer) { inet_pton(family, text, $0.baseAddress) == 1 }
    }

    private static func unixAddress(_ field: Field, fields: [String: Field], decoder: SettingsDecoder) -> ListenAddress? {
        var ok = true
        var mode: UInt32?
        var group: String?
        if let modeField = fields["mode"] {
            mode = octalMode(modeField, decoder: decoder)
            if mode == nil { ok = false }
        }
        if let groupField = fields["group"] {
            group = decoder.string(groupField, expected: "a group name")
            if group == nil { ok = false }
        }
        guard let path = decoder.path(field) else { return nil }
        // sun_path holds 108 bytes including the terminating NUL.
        guard path.utf8.count <= 107 else {
            decoder.error(.invalidValue, field, "socket path \(path) is longer than 107 bytes; use a shorter path")
            return nil
        }
        return ok ? .unix(path: path, mode: mode, group: group) : nil
    }

    /// File modes are octal as for chmod, quoted or not: "0660", 0660 and 660 all mean rw-rw----.
    private static func octalMode(_ field: Field, decoder: SettingsDecoder) -> UInt32? {
        let expected = "an octal mode such as \"0660\""
        guard let text = field.value.scalar, !field.value.isNull else {
            decoder.wrongType(field, expected: expected)
            return nil
        }
        let digits = text.hasPrefix("0o") ? text.dropFirst(2) : Substring(text)
        guard (1...4).contains(digits.count), digits.allSatisfy({ ("0"..."7").contains($0) }),
              let mode = UInt32(digits, radix: 8), mode <= 0o777 else {
            decoder.error(.invalidValue, field, "expected \(expected), got \"\(text)\"")
            return nil
        }
        return mode
    }

    private static func validPrefix(_ prefix: String, field: Field, decoder: SettingsDecoder) -> Bool {
        let allowed: (Character) -> Bool = { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~/".contains($0)) }
        let segments = prefix.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if !prefix.hasPrefix("/") || prefix.hasSuffix("/") || !prefix.allSatisfy(allowed)
            || segments.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
            decoder.error(.invalidValue, field,
                          "expected a URL path such as \"/api/token\": starting with \"/\", without a trailing \"/\", of letters, digits and -._~")
            return false
        }
        return true
    }
}
