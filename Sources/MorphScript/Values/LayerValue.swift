import MorphEngine
import MorphRender

/// A layer in a cell (`Conv2d(1, 32, kernel: 4, stride: 2, padding: 1)`, `Sequential([…])`): a
/// value without weights; a model built from it allocates its own.
public final class LayerValue: HostValue {
    /// The layer.
    public let spec: LayerSpec

    /// A value for `spec`.
    public init(_ spec: LayerSpec) {
        self.spec = spec
    }

    public var typeName: String { spec.typeName }
    public var conformances: [String] { ["Layer"] }
    public var summary: String { spec.callText }

    public func displayBundle() -> MimeBundle {
        MimeBundle(plainText: spec.definitionText())
    }

    public func element(at index: Value) throws -> Value {
        guard case .sequential(let layers) = spec else {
            throw ScriptError(kind: "TypeError", message: "\(spec.typeName) cannot be subscripted; only a Sequential holds layers")
        }
        guard case .int(let i) = index, layers.indices.contains(i) else {
            throw ScriptError(kind: "IndexError", message: "index \(index.repr) is out of range: this Sequential holds \(layers.count) layer\(layers.count == 1 ? "" : "s")")
        }
        return .host(LayerValue(layers[i]))
    }

    public func elements() -> [Value]? {
        guard case .sequential(let layers) = spec else { return nil }
        return layers.map { .host(LayerValue($0)) }
    }
}
