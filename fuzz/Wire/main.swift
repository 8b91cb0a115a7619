// libFuzzer target for the kernel's wire decoder (frames → message).
// The input is split into frames by 2-byte little-endian length prefixes (a short tail becomes
// the last frame). Each frame list is decoded three ways: unsigned (reaches the JSON and header
// checks), signed with a key and the fuzzer's own signature frame (must almost always be
// refused), and signed with the correct signature patched in (reaches the checks behind it).
// Built by scripts/fuzz.sh with Sources/MorphKernel/Wire/*.swift and MorphJSON (one module).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let frames = splitFrames(bytes)
    check(frames, codec: WireCodec(key: ""))
    let signing = WireCodec(key: "fuzz-key")
    _ = try? signing.decode(frames)
    if let split = frames.firstIndex(of: WireCodec.delimiter), frames.count - split - 1 >= 5 {
        var patched = frames
        patched[split + 1] = signing.signer.signature(of: frames[(split + 2)..<(split + 6)])
        check(patched, codec: WireCodec(key: "fuzz-key"))
    }
    return 0
}

/// Frames from length-prefixed chunks: [len lo, len hi, bytes…]*.
private func splitFrames(_ bytes: [UInt8]) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    var i = 0
    while i < bytes.count {
        guard i + 2 <= bytes.count else { frames.append(Array(bytes[i...])); break }
        let length = Int(bytes[i]) | Int(bytes[i + 1]) << 8
        let start = i + 2
        let end = min(bytes.count, start + length)
        frames.append(Array(bytes[start..<end]))
        i = end
    }
    return frames
}

/// Whatever the decoder accepts must re-encode to frames that decode to the same message.
private func check(_ frames: [[UInt8]], codec: WireCodec) {
    guard let message = try? codec.decode(frames) else { return }
    precondition(message.content.objectValue != nil, "accepted a non-object content")
    precondition(message.metadata.objectValue != nil, "accepted a non-object metadata")
    let again = codec.encode(message)
    guard let back = try? WireCodec(signer: codec.signer, replayGuard: nil).decode(again) else {
        preconditionFailure("an accepted message does not decode after encoding")
    }
    precondition(back.header == message.header, "header changed in a round trip")
    precondition(back.content == message.content, "content changed in a round trip")
    precondition(back.buffers == message.buffers, "buffers changed in a round trip")
}
