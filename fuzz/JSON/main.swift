// libFuzzer target for MorphJSON's parser (every message frame goes through it).
// Accepted documents must serialize and parse back to an equal value.
// Built by scripts/fuzz.sh with Sources/MorphJSON/*.swift (one module).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    guard let value = try? JSON.parse(utf8: bytes) else { return 0 }
    let text = value.serializedBytes()
    guard let back = try? JSON.parse(utf8: text) else {
        preconditionFailure("serialized form of an accepted document does not parse")
    }
    precondition(back == value, "value changed in a serialize/parse round trip")
    return 0
}
