#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text of the current `errno`.
func errnoDescription(_ code: Int32 = errno) -> String {
    guard let text = strerror(code) else { return "error \(code)" }
    return String(cString: text)
}

/// Reads a whole regular file into memory, refusing files larger than `limit` bytes; the error
/// names the file and what is wrong.
public func readFileBytes(_ path: String, limit: Int = 1 << 32) throws(DataFileError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
        let code = errno
        if code == ENOENT { throw DataFileError(path: path, reason: "no such file") }
        throw DataFileError(path: path, reason: "cannot open: \(errnoDescription(code))")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else {
        throw DataFileError(path: path, reason: "cannot stat: \(errnoDescription())")
    }
    guard (info.st_mode & S_IFMT) == S_IFREG else {
        throw DataFileError(path: path, reason: "not a regular file")
    }
    let size = Int(info.st_size)
    guard size <= limit else {
        throw DataFileError(path: path, reason: "file is \(size) bytes, more than the \(limit) this reader accepts")
    }
    var bytes = [UInt8](repeating: 0, count: size)
    var filled = 0
    while filled < size {
        let got = bytes.withUnsafeMutableBytes { buffer in
            read(fd, buffer.baseAddress! + filled, size - filled)
        }
        if got < 0 {
            if errno == EINTR { continue }
            throw DataFileError(path: path, reason: "read failed: \(errnoDescription())")
        }
        if got == 0 { break }
        filled += got
    }
    if filled < size { bytes.removeLast(size - filled) }
    return bytes
}

/// Whether a file (or directory) exists at `path`.
func fileExists(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0
}

/// Little-endian and big-endian reads from a byte array, bounds-checked.
struct ByteCursor {
    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Reads an unsigned integer of `width` bytes, or nil when too few bytes remain.
    mutating func readUInt(width: Int, bigEndian: Bool = false) -> UInt64? {
        guard width <= 8, offset >= 0, remaining >= width else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[offset + (bigEndian ? index : width - 1 - index)])
            value = (value << 8) | byte
        }
        offset += width
        return value
    }

    mutating func readBytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, offset >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var little = value.littleEndian
        Swift.withUnsafeBytes(of: &little) { append(contentsOf: $0) }
    }
}

/// The number of elements `dims` describe, or nil when a dimension is negative, the count exceeds
/// `limit`, or the nonzero dimensions' product overflows `Int`. The last rule makes the answer
/// independent of order: a shape with a zero extent may list any other extents, but no order of
/// multiplying them can overflow.
func checkedProduct(_ dims: [Int], limit: Int = Int.max) -> Int? {
    var product = 1
    for dim in dims where dim != 0 {
        guard dim > 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: dim)
        guard !overflow else { return nil }
        product = next
    }
    let count = dims.contains(0) ? 0 : product
    return count <= limit ? count : nil
}
