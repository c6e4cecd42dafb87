/// "Did you mean …?" for misspelt names, by edit distance ignoring case.
enum Suggestion {
    /// The closest candidate if it is close enough to be a plausible typo, else nil.
    static func closest(to word: String, in candidates: [String]) -> String? {
        let target = Array(word.uppercased().utf8)
        // Allow roughly one slip per four characters, at least two: catches dropped letters and swaps in long
        // SIMPLE_JWT names without suggesting unrelated short words.
        let limit = max(2, target.count / 4)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            // The difference in length is a lower bound of the distance: most candidates (and every one, for a
            // long word) are ruled out without the quadratic comparison.
            guard abs(candidate.utf8.count - target.count) <= min(limit, best?.distance ?? limit) else { continue }
            let distance = editDistance(target, Array(candidate.uppercased().utf8))
            if let current = best, current.distance <= distance { continue }
            best = (candidate, distance)
        }
        guard let best else { return nil }
        return best.distance <= limit ? best.name : nil
    }

    /// Levenshtein distance with adjacent transpositions (optimal string alignment).
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, before[j - 2] + 1)
                }
                current[j] = value
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}
