/// The optimal-string-alignment distance between two strings (insertions, deletions,
/// substitutions and swaps of neighbours each cost 1), over characters, ignoring case;
/// capped at `limit + 1`.
func editDistance(_ a: String, _ b: String, limit: Int = 3) -> Int {
    let x = Array(a.lowercased()), y = Array(b.lowercased())
    if abs(x.count - y.count) > limit { return limit + 1 }
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var beforePrevious = [Int](repeating: 0, count: y.count + 1)
    var previous = Array(0...y.count)
    var current = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        current[0] = i
        var rowMinimum = current[0]
        for j in 1...y.count {
            let cost = x[i - 1] == y[j - 1] ? 0 : 1
            var d = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                d = min(d, beforePrevious[j - 2] + 1)
            }
            current[j] = d
            rowMinimum = min(rowMinimum, d)
        }
        if rowMinimum > limit { return limit + 1 }
        (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[y.count]
}

/// The candidate closest to `name`, if close enough to be a likely misspelling.
func closestMatch(to name: String, in candidates: some Sequence<String>) -> String? {
    let limit = name.count <= 3 ? 1 : (name.count <= 6 ? 2 : 3)
    var best: (String, Int)?
    for candidate in candidates where candidate != name {
        let d = editDistance(name, candidate, limit: limit)
        guard d <= limit else { continue }
        if let (bestName, bestDistance) = best, bestDistance < d || (bestDistance == d && bestName < candidate) { continue }
        best = (candidate, d)
    }
    if best == nil {
        // A different case, or a prefix of a longer name ("hist" → "history").
        for candidate in candidates where candidate.lowercased() == name.lowercased() && candidate != name { return candidate }
    }
    return best?.0
}
