/// A JSON object that remembers insertion order, like a Python dict: re-setting an existing key keeps its
/// position, so serialising a decoded-then-edited object keeps the producer's key order.
///
/// Equality ignores order (as Python's dict equality does). Small objects (JWT claims, request bodies) are
/// searched linearly, which beats hashing for a handful of keys; larger ones get a hash index.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: JSONValue)

    @usableFromInline var entries: [Element]
    /// Key → position in `entries`; only built once the object is larger than `indexThreshold`.
    @usableFromInline var index: [String: Int]?

    @usableFromInline static var indexThreshold: Int { 12 }

    public init() {
        entries = []
        index = nil
    }

    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        entries.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    @inlinable
    func position(of key: String) -> Int? {
        if let index { return index[key] }
        for i in entries.indices where entries[i].key == key { return i }
        return nil
    }

    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = position(of: key) else { return nil }
            return entries[i].value
        }
        set {
            if let newValue {
                if let i = position(of: key) {
                    entries[i].value = newValue
                } else {
                    entries.append((key, newValue))
                    if var map = index {
                        index = nil  // release the stored copy so the insert below does not copy the table
                        map[key] = entries.count - 1
                        index = map
                    } else if entries.count > Self.indexThreshold {
                        rebuildIndex()
                    }
                }
            } else {
                _ = removeValue(forKey: key)
            }
        }
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let i = position(of: key) else { return nil }
        let old = entries.remove(at: i).value
        if index != nil {
            if entries.count > Self.indexThreshold { rebuildIndex() } else { index = nil }
        }
        return old
    }

    private mutating func rebuildIndex() {
        var map = [String: Int](minimumCapacity: entries.count)
        for (i, e) in entries.enumerated() { map[e.key] = i }
        index = map
    }

    public var keys: [String] { entries.map(\.key) }
    public var values: [JSONValue] { entries.map(\.value) }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func contains(key: String) -> Bool { position(of: key) != nil }

    public func makeIterator() -> IndexingIterator<[Element]> {
        entries.makeIterator()
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for (k, v) in lhs.entries {
            guard let other = rhs[k], other == v else { return false }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent: combine per-entry hashes commutatively so equal objects hash equally.
        var combined = 0
        for (k, v) in entries {
            var h = Hasher()
            h.combine(k)
            h.combine(v)
            combined = combined &+ h.finalize()
        }
        hasher.combine(entries.count)
        hasher.combine(combined)
    }
}
