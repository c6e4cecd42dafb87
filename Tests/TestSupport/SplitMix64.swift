import Foundation

/// A small deterministic random generator for fuzz-style tests, so a failing case replays from its seed.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    /// The seed this generator started from: put `replay` in every failure message of a randomized test.
    public let seed: UInt64

    public init(seed: UInt64) {
        state = seed
        self.seed = seed
    }

    /// A generator for one randomized test: seeded from `AUTHD_TEST_SEED` when it is set (to replay a failure, or
    /// to explore other cases), else from `defaultSeed`, so every ordinary run checks the same cases.
    public static func forTest(defaultSeed: UInt64) -> SplitMix64 {
        let override = ProcessInfo.processInfo.environment["AUTHD_TEST_SEED"].flatMap { UInt64($0) }
        return SplitMix64(seed: override ?? defaultSeed)
    }

    /// "seed N (AUTHD_TEST_SEED=N replays it)", for failure messages.
    public var replay: String { "seed \(seed) (AUTHD_TEST_SEED=\(seed) replays it)" }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
