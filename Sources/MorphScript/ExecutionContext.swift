import MorphEngine

/// What one execution gets from its host (the kernel or `morph run`).
public struct ExecutionContext {
    /// Where outputs go.
    public var output: any OutputSink
    /// Where `input(…)` reads from.
    public var input: any InputReader
    /// Set by the host on interrupt; checked by loops in the interpreter and the engine.
    public var cancellation: CancellationToken
    /// The directory relative paths (export, save, load) resolve against.
    public var workingDirectory: String
    /// The execution count shown as In[n] (used for display ids and provenance).
    public var executionCount: Int
    /// Most evaluation steps (expressions and statements) one run may take; nil for no limit.
    public var stepLimit: Int?

    /// A context from its parts.
    public init(
        output: any OutputSink, input: any InputReader, cancellation: CancellationToken,
        workingDirectory: String, executionCount: Int, stepLimit: Int? = nil
    ) {
        self.output = output
        self.input = input
        self.cancellation = cancellation
        self.workingDirectory = workingDirectory
        self.executionCount = executionCount
        self.stepLimit = stepLimit
    }
}
