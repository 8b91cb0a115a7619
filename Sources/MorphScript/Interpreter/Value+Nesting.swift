import MorphEngine

extension Value {
    /// Deepest nesting of arrays inside arrays a value may have: printing, comparing and
    /// freeing nested arrays recurses, so unbounded nesting could overflow the stack.
    public static let maximumNesting = 64

    /// Throws when this value nests arrays deeper than `maximumNesting`. Each distinct array
    /// is visited once, however often it is shared; a set `cancellation` ends the check.
    func checkNesting(cancellation: CancellationToken? = nil) throws(ScriptError) {
        guard case .array(let elements) = self else { return }
        var check = NestingCheck(cancellation: cancellation)
        _ = try check.depth(of: elements, level: 1)
    }
}

/// The nesting depth of arrays, memoised by array storage so shared arrays count once.
struct NestingCheck {
    let cancellation: CancellationToken?
    /// Storage address → how many array levels it holds (1 for an array of scalars).
    private var depths: [UInt: Int] = [:]
    private var visits = 0

    init(cancellation: CancellationToken?) {
        self.cancellation = cancellation
    }

    /// The depth of `elements`, found `level` arrays deep; throws once the total passes the maximum.
    mutating func depth(of elements: [Value], level: Int) throws(ScriptError) -> Int {
        guard level <= Value.maximumNesting else { throw Self.tooDeep }
        let key = elements.storageIdentity
        if let known = depths[key] {
            guard level + known - 1 <= Value.maximumNesting else { throw Self.tooDeep }
            return known
        }
        var deepest = 0
        for element in elements {
            visits &+= 1
            if visits & 4095 == 0, cancellation?.isCancelled == true { throw ScriptError.interrupted() }
            if case .array(let inner) = element { deepest = max(deepest, try depth(of: inner, level: level + 1)) }
        }
        depths[key] = deepest + 1
        return deepest + 1
    }

    static let tooDeep = ScriptError(kind: "ValueError", message: "arrays nested more than \(Value.maximumNesting) levels deep are not supported")
}

extension Array {
    /// The address of the array's storage: the same for copies that share it.
    var storageIdentity: UInt {
        withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
    }
}
