// libFuzzer target for the binary data readers: IDX / IDX.gz, and NumPy .npy / .npz (zip).
// Built by scripts/fuzz.sh together with the reader sources (one module, no package).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReaders(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let array = try? IDX.decode(bytes, name: "fuzz.idx") {
        // Whatever the reader accepts must be self-consistent and re-encodable.
        precondition(array.values.count == array.shape.reduce(1, *), "IDX accepted inconsistent shape")
        _ = try? IDX.encode(array, compressed: false)
    }
    if let array = try? NumPy.decodeArray(bytes, name: "fuzz.npy") {
        precondition(array.isWellFormed, "npy accepted inconsistent shape")
    }
    if let arrays = try? NumPy.decodeArchive(bytes, name: "fuzz.npz") {
        precondition(arrays.allSatisfy { $0.array.isWellFormed }, "npz accepted inconsistent shape")
    }
    return 0
}
