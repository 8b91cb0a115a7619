/// An argument after evaluation.
struct EvaluatedArgument {
    var label: String?
    var value: Value
    var position: SourcePosition
}

/// Matches call arguments to a builtin's parameters, choosing among overloads by label set.
enum ArgumentBinder {
    private struct Failure: Error {
        var error: ScriptError
        /// How far binding got: 0 labels wrong, 1 count wrong, 2 types wrong.
        var closeness: Int
        /// How many of the call's labels the overload has.
        var sharedLabels = 0
    }

    /// The first overload the arguments fit, bound; or the error of the closest one: the one
    /// sharing the most labels with the call, then the one binding got furthest with.
    static func bind(_ overloads: [Builtin], _ arguments: [EvaluatedArgument], callName: String, at position: SourcePosition) throws(ScriptError) -> (Builtin, Arguments) {
        var best: Failure?
        let callLabels = arguments.compactMap(\.label)
        for builtin in overloads {
            switch bindOne(builtin, arguments, callName: callName, at: position) {
            case .success(let bound): return (builtin, bound)
            case .failure(var failure):
                let labels = Set(builtin.parameters.compactMap(\.label))
                failure.sharedLabels = callLabels.filter(labels.contains).count
                if let current = best,
                   (current.sharedLabels, current.closeness) >= (failure.sharedLabels, failure.closeness) { continue }
                best = failure
            }
        }
        guard var error = best?.error else {
            throw ScriptError("TypeError", "'\(callName)' cannot be called", at: position)
        }
        if overloads.count > 1 {
            error.message += ". \(callName) can be called as: " + overloads.map(\.signature).joined(separator: " | ")
        }
        throw error
    }

    private static func bindOne(_ builtin: Builtin, _ arguments: [EvaluatedArgument], callName: String, at position: SourcePosition) -> Result<Arguments, Failure> {
        var bound = Arguments()
        var given = Set<String>()
        var positional = builtin.parameters.filter { $0.label == nil }[...]
        let labels = builtin.parameters.compactMap(\.label)
        let forwards = builtin.parameters.contains(where: \.isForwarding)
        for argument in arguments {
            if let label = argument.label {
                guard let parameter = builtin.parameters.first(where: { $0.label == label }) else {
                    if forwards {
                        bound.forwarded.append(argument)
                        continue
                    }
                    let unused = labels.filter { !given.contains($0) }
                    let suggestion = closestMatch(to: label, in: unused).map { "\($0):" }
                    let expected = labels.isEmpty ? "it takes no labeled arguments" : "its labels are " + labels.map { "\($0):" }.joined(separator: ", ")
                    return .failure(Failure(error: ScriptError("TypeError", "\(callName) has no argument labeled '\(label):'; \(expected)", at: argument.position, suggestion: suggestion), closeness: 0))
                }
                if given.contains(parameter.name) {
                    return .failure(Failure(error: ScriptError("TypeError", "argument '\(label):' is given twice in the call to \(callName)", at: argument.position), closeness: 1))
                }
                given.insert(parameter.name)
                bound.values[parameter.name] = argument.value
                bound.positions[parameter.name] = argument.position
            } else {
                guard let parameter = positional.first else {
                    let missingLabels = builtin.parameters.filter { $0.label != nil && !given.contains($0.name) }
                    let unlabeledCount = builtin.parameters.filter { $0.label == nil }.count
                    if let next = missingLabels.first {
                        return .failure(Failure(error: ScriptError("TypeError", "this argument of \(callName) needs a label: write \(next.label ?? next.name): …", at: argument.position, suggestion: "\(next.label ?? next.name):"), closeness: 0))
                    }
                    let takes = unlabeledCount == 0 ? "no arguments" : "\(unlabeledCount) unlabeled argument\(unlabeledCount == 1 ? "" : "s")"
                    return .failure(Failure(error: ScriptError("TypeError", "too many arguments: \(callName) takes \(takes)", at: argument.position), closeness: 1))
                }
                if parameter.isForwarding {
                    bound.forwarded.append(argument)
                    continue
                }
                if parameter.isVariadic {
                    bound.variadic.append(argument.value)
                    if bound.positions[parameter.name] == nil { bound.positions[parameter.name] = argument.position }
                    given.insert(parameter.name)
                    if !parameter.type.accepts(argument.value) {
                        return .failure(Failure(error: ScriptError("TypeError", "\(callName) expects \(parameter.type.name) for '\(parameter.name)', got \(argument.value.typeName)", at: argument.position), closeness: 2))
                    }
                    continue
                }
                positional = positional.dropFirst()
                given.insert(parameter.name)
                bound.values[parameter.name] = argument.value
                bound.positions[parameter.name] = argument.position
            }
        }
        for parameter in builtin.parameters where !given.contains(parameter.name) {
            if let defaultValue = parameter.defaultValue {
                bound.values[parameter.name] = defaultValue.value
            } else if !parameter.isVariadic && !parameter.isForwarding {
                let what = parameter.label.map { "'\($0):'" } ?? "'\(parameter.name)'"
                return .failure(Failure(error: ScriptError("TypeError", "missing argument \(what) (\(parameter.type.name)) in the call to \(callName); expected \(builtin.signature)", at: position), closeness: 1))
            }
        }
        for parameter in builtin.parameters where !parameter.isVariadic {
            guard let value = bound.values[parameter.name], bound.positions[parameter.name] != nil else { continue }
            if !parameter.type.accepts(value) {
                let what = parameter.label.map { "argument '\($0):'" } ?? "argument '\(parameter.name)'"
                return .failure(Failure(error: ScriptError("TypeError", "\(what) of \(callName) must be \(parameter.type.name), got \(value.typeName)", at: bound.positions[parameter.name] ?? position), closeness: 2))
            }
        }
        return .success(bound)
    }
}
