import MorphEngine
import MorphJSON
import MorphRender

/// Where a figure or table came from — seed, data, model(s) and the BLAS core that computed it —
/// carried in the `provenance` key of every experiment output's metadata.
public struct Provenance: Sendable, Equatable {
    /// The seed that fixed the randomness (pair sampling, training), if any.
    public var seed: UInt64?
    /// The data it was computed on ("fashion-mnist test, classes 0, 1").
    public var data: String?
    /// The model or models involved.
    public var models: [String]

    /// A provenance record from its parts.
    public init(seed: UInt64? = nil, data: String? = nil, models: [String] = []) {
        self.seed = seed
        self.data = data
        self.models = models
    }

    /// The record as JSON, with the BLAS core OpenBLAS chose in this process.
    public var json: JSON {
        var object: [String: JSON] = [
            "blasCore": .string(BLAS.coreName),
            "models": .array(models.map { .string($0) }),
            "generator": .string("morph"),
        ]
        object["seed"] = seed.map { .number(Double($0)) } ?? .null
        object["data"] = data.map { .string($0) } ?? .null
        return .object(object)
    }

    /// A JSON file's bytes: `object` with this record under "provenance", pretty-printed.
    public func jsonFile(_ object: [String: JSON]) -> [UInt8] {
        var stamped = object
        stamped["provenance"] = json
        return Array((JSON.object(stamped).prettyPrinted(indent: 1) + "\n").utf8)
    }

    /// `bundle` with this record in its metadata.
    public func stamped(_ bundle: MimeBundle) -> MimeBundle {
        var copy = bundle
        copy.metadata["provenance"] = json
        return copy
    }
}
