// libFuzzer target for the checkpoint reader. Each input is tried as is, and again with a valid
// SHA-256 trailer patched in, so the fuzzer also reaches the code behind the checksum.
// Built by scripts/fuzz.sh together with the reader sources and MorphJSON (one module, no package).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheckpoint(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    check(bytes)
    if bytes.count > 32 {
        var patched = Array(bytes.dropLast(32))
        patched += sha256(patched[...])
        check(patched)
    }
    return 0
}

private func check(_ bytes: [UInt8]) {
    guard let checkpoint = try? Checkpoint(decoding: bytes, name: "fuzz.ckpt") else { return }
    precondition(checkpoint.arrays.allSatisfy { $0.array.isWellFormed }, "accepted inconsistent array")
    // An accepted checkpoint re-encodes and decodes to the same arrays.
    guard let again = try? checkpoint.encoded(), let back = try? Checkpoint(decoding: again, name: "again") else {
        preconditionFailure("accepted checkpoint does not round-trip")
    }
    precondition(back.arrays.map(\.name) == checkpoint.arrays.map(\.name), "names changed in a round trip")
}
