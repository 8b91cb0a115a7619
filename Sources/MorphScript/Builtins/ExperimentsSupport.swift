import MorphEngine
import MorphJSON
import MorphRender

/// Images gathered from a cell argument (an Image, a Split, a Dataset's test split, or an
/// array of those), in original pixel order, with names and labels for captions and plots.
struct ImageBatch {
    var images: [[Float]] = []
    var names: [String] = []
    var labels: [Int?] = []
    var classNames: [String?] = []
    var width = 28
    var height = 28
    /// What they are, for provenance ("fashion-mnist test, classes 0, 1").
    var description = ""

    var count: Int { images.count }

    mutating func append(_ image: ImageValue) {
        images.append(image.originalPixels)
        names.append(image.name)
        labels.append(image.label)
        classNames.append(image.className)
        width = image.width
        height = image.height
        if description.isEmpty { description = image.name }
    }

    mutating func append(_ split: SplitValue) {
        images += split.originalImages
        let whole = split.part.split(separator: "[").first.map(String.init) ?? split.part
        names += (0..<split.count).map { "\(whole)[\(split.offset + $0)]" }
        labels += split.split.labels.map { Optional($0) }
        classNames += split.split.labels.map { split.dataset.className(of: $0) }
        width = split.width
        height = split.height
        if description.isEmpty { description = split.dataDescription }
    }

    /// The images of `value`; `argument` names the parameter in errors.
    static func from(_ value: Value, argument: String, in call: Invocation) throws(ScriptError) -> ImageBatch {
        var batch = ImageBatch()
        func add(_ value: Value) throws(ScriptError) {
            switch value {
            case .host(let object as ImageValue): batch.append(object)
            case .host(let object as SplitValue): batch.append(object)
            case .host(let object as DatasetValue): batch.append(object.test)
            case .array(let items): for item in items { try add(item) }
            default:
                throw call.arguments.error("TypeError", "'\(argument)' must be images (an Image, a Split such as data.test[0..<8], a Dataset, or an array of them), got \(value.typeName)", at: argument)
            }
        }
        try add(value)
        guard batch.count > 0 else {
            throw call.arguments.error("ValueError", "'\(argument)' holds no images", at: argument)
        }
        let size = batch.images[0].count
        guard batch.images.allSatisfy({ $0.count == size }) else {
            throw call.arguments.error("ValueError", "the images in '\(argument)' have different sizes", at: argument)
        }
        return batch
    }
}

/// Shared helpers of the experiment builtins.
enum ExperimentsSupport {
    /// The image-like types parameters accept.
    static let images = TypeSpec.either(.host("Images"), .array)
    /// A dataset or one of its splits.
    static let data = TypeSpec.either(.host("Dataset"), .host("Split"))
    /// A list of models.
    static let models = TypeSpec.array(of: .host("Model"))
    /// An optional list of class labels.
    static let optionalInts = TypeSpec("[Int]?") { value in
        if value.isNone { return true }
        return TypeSpec.array(of: .int).accepts(value)
    }
    /// An optional Int.
    static let optionalInt = TypeSpec("Int?") { value in
        if value.isNone { return true }
        if case .int = value { return true }
        return false
    }
    /// An optional String.
    static let optionalString = TypeSpec("String?") { value in
        if value.isNone { return true }
        if case .string = value { return true }
        return false
    }

    /// The model argument `name`.
    static func model(_ call: Invocation, _ name: String = "model") throws(ScriptError) -> ModelValue {
        try call.arguments.host(name, as: ModelValue.self)
    }

    /// The models of array argument `name`.
    static func models(_ call: Invocation, _ name: String = "models") throws(ScriptError) -> [ModelValue] {
        var result: [ModelValue] = []
        for item in try call.arguments.array(name) {
            guard case .host(let object as ModelValue) = item else {
                throw call.arguments.error("TypeError", "'\(name)' must be an array of models, found \(item.typeName)", at: name)
            }
            result.append(object)
        }
        guard !result.isEmpty else { throw call.arguments.error("ValueError", "'\(name)' is empty; give at least one model", at: name) }
        return result
    }

    /// A non-negative Int argument as a seed.
    static func seed(_ call: Invocation, _ name: String = "seed") throws(ScriptError) -> UInt64 {
        let value = try call.arguments.int(name)
        guard value >= 0 else { throw call.arguments.error("ValueError", "'\(name)' must be 0 or more, got \(value)", at: name) }
        return UInt64(value)
    }

    /// An Int argument that must lie in `range`.
    static func int(_ call: Invocation, _ name: String, in range: ClosedRange<Int>) throws(ScriptError) -> Int {
        let value = try call.arguments.int(name)
        guard range.contains(value) else {
            throw call.arguments.error("ValueError", "'\(name)' must be between \(range.lowerBound) and \(range.upperBound), got \(value)", at: name)
        }
        return value
    }

    /// An Image argument.
    static func image(_ call: Invocation, _ name: String) throws(ScriptError) -> ImageValue {
        guard case .host(let object as ImageValue) = call.arguments[name] else {
            throw call.arguments.error("TypeError", "'\(name)' must be one image such as data.test[3], got \(call.arguments[name].typeName)", at: name)
        }
        return object
    }

    /// The dataset or split argument `name` as a split (a Dataset gives its test split).
    static func split(_ call: Invocation, _ name: String) throws(ScriptError) -> SplitValue {
        switch call.arguments[name] {
        case .host(let object as SplitValue): return object
        case .host(let object as DatasetValue): return object.test
        default:
            throw call.arguments.error("TypeError", "'\(name)' must be a Dataset or a Split such as data.test, got \(call.arguments[name].typeName)", at: name)
        }
    }

    /// Seconds on a monotonic clock since `start`.
    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// "ConvAutoEncoder" or "ConvAutoEncoder (shuffled pixels)".
    static func label(of model: ModelValue) -> String {
        model.name + (model.pixelPermutation != nil ? " (shuffled pixels)" : "")
    }

    /// Runs engine work as a ScriptError-throwing call ("ValueError" for bad arguments).
    static func run<T>(_ call: Invocation, _ work: () throws -> T) throws(ScriptError) -> T {
        try call.context.engine("ValueError", work)
    }
}

/// A host value that shows more than one display: `leadingBundles` are displayed before its
/// own `displayBundle()` (e.g. a path's plot before its Lemma 1 table).
public protocol LeadingDisplays: HostValue {
    /// Bundles displayed before the value's own bundle.
    var leadingBundles: [MimeBundle] { get }
}

extension PathValue: LeadingDisplays {}

extension Library {
    /// The experiment libraries of issue 5, which `Session()` adds to `Library.standard`.
    public static let experiments: [Library] = [
        .experimentsData, .network, .experimentsModels, .experimentsTraining, .experimentsAnalysis, .exploration,
    ]
}
