// MorphScript micro-benchmarks (release build):
//   swift run -c release --scratch-path .build-script morph-script-bench
// Targets: parse + evaluate a trivial cell < 20 µs; complete and inspect with 100
// variables < 1 ms.
import MorphEngine
import MorphRender
import MorphScript

final class NullSink: OutputSink {
    func write(_ text: String, to stream: OutputStream) {}
    func display(_ bundle: MimeBundle, displayID: String?) {}
    func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
    func clearOutput(wait: Bool) {}
}

final class NoInput: InputReader {
    func readLine(prompt: String, password: Bool) throws -> String { throw InputUnavailable(reason: "benchmark") }
}

/// Runs `body` `iterations` times in `rounds` rounds; returns the median per-call time in µs.
func measure(_ iterations: Int, rounds: Int = 7, _ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    var perCall: [Double] = []
    for _ in 0..<rounds {
        let elapsed = clock.measure { for _ in 0..<iterations { body() } }
        let (seconds, attoseconds) = elapsed.components
        perCall.append((Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(iterations))
    }
    perCall.sort()
    return perCall[perCall.count / 2]
}

func format(_ microseconds: Double) -> String {
    let rounded = (microseconds * 100).rounded() / 100
    return "\(rounded) µs"
}

let context = ExecutionContext(output: NullSink(), input: NoInput(), cancellation: CancellationToken(),
                               workingDirectory: "/tmp", executionCount: 1)
var sink = 0

let trivial = Session()
let trivialTime = measure(20_000) {
    if let bundle = try? trivial.execute("let x = 1 + 2\nx * 3", in: context) { sink &+= bundle.data.count }
}

let loopSession = Session()
let loopTime = measure(200) {
    if let bundle = try? loopSession.execute("var s = 0\nfor i in 0..<1000 { s += i * 2 }\ns", in: context) { sink &+= bundle.data.count }
}

let big = Session()
for i in 0..<100 {
    _ = try? big.execute("let variable\(i) = [\(i), \(i + 1)]", in: context)
}
let cell = "let é = \"😀\"\nlet y = variable4 + [1]\nprint(round(variable42.count, digits: 1), vari"
let cursor = cell.unicodeScalars.count
let completeTime = measure(2_000) { sink &+= big.completions(in: cell, cursor: cursor).matches.count }
let memberCell = "print(variable42.co"
let memberTime = measure(2_000) { sink &+= big.completions(in: memberCell, cursor: memberCell.unicodeScalars.count).matches.count }
let labelCell = "print(round(variable1[0], "
let labelTime = measure(2_000) { sink &+= big.completions(in: labelCell, cursor: labelCell.unicodeScalars.count).matches.count }
let inspectCell = "let y = variable4 + [1]\nprint(round(variable42.count, digits: 1))"
let inspectVariableTime = measure(2_000) { sink &+= big.inspection(of: inspectCell, cursor: 36, detailLevel: 0)?.data.count ?? 0 }
let inspectFunctionTime = measure(2_000) { sink &+= big.inspection(of: inspectCell, cursor: 28, detailLevel: 0)?.data.count ?? 0 }
let isCompleteTime = measure(20_000) { if case .complete = big.completeness(of: "for i in 0..<3 {\n    print(i)\n}") { sink &+= 1 } }

print("MorphScript benchmark (median of 7 rounds)")
print("  parse + evaluate `let x = 1 + 2; x * 3`:          \(format(trivialTime))   (target < 20 µs)")
print("  loop of 1000 iterations (`s += i * 2`):           \(format(loopTime))")
print("  complete a name, 100 variables:                   \(format(completeTime))   (target < 1000 µs)")
print("  complete a member after `.`, 100 variables:       \(format(memberTime))")
print("  complete argument labels, 100 variables:          \(format(labelTime))")
print("  inspect a variable, 100 variables:                \(format(inspectVariableTime))   (target < 1000 µs)")
print("  inspect a builtin, 100 variables:                 \(format(inspectFunctionTime))")
print("  is_complete of a 3-line loop:                     \(format(isCompleteTime))")
if sink == 42 { print("") }
