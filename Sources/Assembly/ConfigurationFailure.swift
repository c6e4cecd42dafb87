/// Everything wrong with a configuration, each line pointing at the settings file where it can.
public struct ConfigurationFailure: Error, Sendable, CustomStringConvertible {
    public var messages: [String]
    public init(_ messages: [String]) { self.messages = messages }
    public var description: String { messages.joined(separator: "\n") }
}
