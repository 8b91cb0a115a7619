/// Two examples of a split, by index, whose latent path is analysed.
public struct ExamplePair: Sendable, Hashable {
    /// Index of the first example (z_a).
    public let first: Int
    /// Index of the second example (z_b).
    public let second: Int

    /// A pair of example indices.
    public init(_ first: Int, _ second: Int) {
        self.first = first
        self.second = second
    }
}

/// Seeded random pairs of examples within one class and across two classes, for the
/// Jacobian-norm figure on a 2-class subset (reported separately).
public struct ClassPairs: Sendable, Equatable {
    /// The two classes compared (the second is absent when the split holds one class).
    public let classes: [Int]
    /// Pairs whose two examples share a class, alternating between the classes.
    public let within: [ExamplePair]
    /// Pairs with the first example from `classes[0]`, the second from `classes[1]`.
    public let across: [ExamplePair]

    /// Draws `count` pairs of each kind from examples with the given labels.
    ///
    /// `classes` names the two classes; nil takes the two smallest labels present.
    /// The same labels, classes, count and seed always give the same pairs.
    public init(labels: [Int], classes: [Int]? = nil, count: Int, seed: UInt64) throws(ExperimentError) {
        guard count >= 0 else { throw .invalidArgument("pairs: must be 0 or more, got \(count)") }
        let present = Set(labels).sorted()
        let chosen = classes ?? Array(present.prefix(2))
        guard (1...2).contains(chosen.count) else {
            throw .invalidArgument("pairs are drawn within and across two classes; got classes \(chosen)")
        }
        if chosen.count == 2, chosen[0] == chosen[1] {
            throw .invalidArgument("the two classes must differ; got \(chosen)")
        }
        var members: [[Int]] = []
        for c in chosen {
            let indices = labels.indices.filter { labels[$0] == c }
            guard indices.count >= 2 else {
                throw .invalidArgument("class \(c) has \(indices.count) example(s) in this split; pairs need at least 2 (present classes: \(present))")
            }
            members.append(indices)
        }
        var random = RandomGenerator(seed: seed)  // its own stream: other draws never move the pairs
        func draw(_ a: [Int], _ b: [Int], distinct: Bool, avoiding used: inout Set<ExamplePair>) -> ExamplePair {
            var pair = ExamplePair(a[0], b[b.count - 1])
            for _ in 0..<64 {
                let i = random.index(below: a.count)
                var j = random.index(below: b.count)
                // Within a class (a == b), move j to one of the other positions, uniformly.
                if distinct, i == j { j = (j + 1 + random.index(below: b.count - 1)) % b.count }
                pair = ExamplePair(a[i], b[j])
                if !used.contains(pair) { break }
            }
            used.insert(pair)
            return pair
        }
        var used = Set<ExamplePair>()
        var within: [ExamplePair] = []
        for k in 0..<count {
            let m = members[k % members.count]
            within.append(draw(m, m, distinct: true, avoiding: &used))
        }
        var across: [ExamplePair] = []
        if members.count == 2 {
            for _ in 0..<count { across.append(draw(members[0], members[1], distinct: false, avoiding: &used)) }
        }
        self.classes = chosen
        self.within = within
        self.across = across
    }
}
