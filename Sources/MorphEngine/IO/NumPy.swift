/// Reading and writing NumPy `.npy` arrays and `.npz` archives.
///
/// Reads little-endian C-order `float32`, `float64`, `int64`, `int32` and `uint8` arrays
/// (converted to Float32); writes `float32`. Errors name the file and what is wrong.
public enum NumPy {
    /// Reads one `.npy` file.
    public static func readArray(from path: String) throws(DataFileError) -> NumericArray {
        try decodeArray(readFileBytes(path), name: path)
    }

    /// Writes one `.npy` file (format 1.0, `<f4`, C order), atomically.
    public static func write(_ array: NumericArray, to path: String) throws(DataFileError) {
        let bytes = try encodeArray(array, name: path)
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads every array of an `.npz` archive, in archive order, named without the `.npy` suffix.
    public static func readArchive(from path: String) throws(DataFileError) -> [NamedArray] {
        try decodeArchive(readFileBytes(path), name: path)
    }

    /// Writes an `.npz` archive (entries stored uncompressed, as `numpy.savez` does), atomically.
    public static func writeArchive(_ arrays: [NamedArray], to path: String) throws(DataFileError) {
        let bytes = try encodeArchive(arrays, name: path)
        try AtomicFile.write(bytes, to: path)
    }

    /// Parses the bytes of a `.npy` file; `name` is used in errors.
    /// Serialises an array as a `.npy` file (format 1.0, `<f4`, C order).
    public static func encodeArray(_ array: NumericArray, name: String = "array") throws(DataFileError) -> [UInt8] {
        guard array.isWellFormed else {
            throw DataFileError(path: name, reason: "shape \(array.shape) does not describe \(array.scalars.count) elements")
        }
        let shapeText: String
        switch array.shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(array.shape[0]),)"
        default: shapeText = "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        guard header.utf8.count <= Int(UInt16.max) else {
            throw DataFileError(path: name, reason: "array has too many dimensions for a .npy 1.0 header")
        }
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes.reserveCapacity(10 + header.utf8.count + array.scalars.count * 4)
        bytes.appendLittleEndian(UInt16(header.utf8.count))
        bytes.append(contentsOf: header.utf8)
        for scalar in array.scalars { bytes.appendLittleEndian(scalar.bitPattern) }
        return bytes
    }

    /// Parses the bytes of a `.npy` file; `name` is used in errors.
    public static func decodeArray(_ bytes: [UInt8], name: String) throws(DataFileError) -> NumericArray {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: name, reason: reason) }
        var cursor = ByteCursor(bytes)
        guard let magic = cursor.readBytes(6), magic.elementsEqual([0x93] + Array("NUMPY".utf8)) else {
            throw fail("not a NumPy .npy file (the magic string \\x93NUMPY is missing)")
        }
        guard let major = cursor.readUInt(width: 1), let minor = cursor.readUInt(width: 1) else {
            throw fail("truncated .npy header")
        }
        guard minor == 0, (1...3).contains(major) else {
            throw fail(".npy format version \(major).\(minor) is not supported (1.0, 2.0 or 3.0 are)")
        }
        guard let headerLength = cursor.readUInt(width: major == 1 ? 2 : 4) else {
            throw fail("truncated .npy header")
        }
        guard Int(headerLength) <= cursor.remaining, let headerBytes = cursor.readBytes(Int(headerLength)) else {
            throw fail("truncated .npy header: it claims \(headerLength) bytes, \(cursor.remaining) remain")
        }
        guard let headerText = String(validating: headerBytes, as: UTF8.self) else {
            throw fail(".npy header is not valid text")
        }
        let header: NpyHeader
        do {
            header = try NpyHeader(parsing: headerText)
        } catch {
            throw fail("malformed .npy header (\(error.reason)): \(headerText.trimmingSuffixWhitespace())")
        }
        guard !header.fortranOrder else {
            throw fail("array is stored in Fortran order; save it in C order (numpy.ascontiguousarray)")
        }
        let kind = try ElementKind(descr: header.descr, name: name)
        guard let count = checkedProduct(header.shape, limit: Int.max / 8) else {
            throw fail("shape \(header.shape) is invalid or too large")
        }
        let expected = count * kind.size
        guard cursor.remaining == expected else {
            let found = cursor.remaining
            throw fail(found < expected
                ? "truncated: shape \(header.shape) of \(header.descr) needs \(expected) data bytes, found \(found)"
                : "\(found - expected) unexpected bytes after the data of shape \(header.shape)")
        }
        let scalars = kind.decode(cursor.bytes[cursor.offset...], count: count)
        return NumericArray(shape: header.shape, scalars: scalars)
    }
}

/// The element types the reader converts to Float32.
private enum ElementKind {
    case float32, float64, int64, int32, uint8, int8

    init(descr: String, name: String) throws(DataFileError) {
        switch descr {
        case "<f4": self = .float32
        case "<f8": self = .float64
        case "<i8": self = .int64
        case "<i4": self = .int32
        case "|u1", "<u1", ">u1": self = .uint8
        case "|i1", "<i1", ">i1": self = .int8
        default:
            if descr.hasPrefix(">") {
                throw DataFileError(path: name, reason: "big-endian data ('\(descr)') is not supported; save it little-endian (array.astype('<f4'))")
            }
            throw DataFileError(path: name, reason: "element type '\(descr)' is not supported (float32, float64, int64, int32, uint8 and int8 are)")
        }
    }

    var size: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .uint8, .int8: 1
        }
    }

    func decode(_ data: ArraySlice<UInt8>, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { out, initialized in
            data.withUnsafeBytes { raw in
                switch self {
                case .float32:
                    for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))) }
                case .float64:
                    for i in 0..<count { out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))) }
                case .int64:
                    for i in 0..<count { out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))) }
                case .int32:
                    for i in 0..<count { out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))) }
                case .uint8:
                    for i in 0..<count { out[i] = Float(raw[i]) }
                case .int8:
                    for i in 0..<count { out[i] = Float(Int8(bitPattern: raw[i])) }
                }
            }
            initialized = count
        }
    }
}

/// The dictionary at the start of a `.npy` file, parsed strictly.
struct NpyHeader {
    struct ParseError: Error { var reason: String }

    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` followed by spaces and a newline.
    init(parsing text: String) throws(ParseError) {
        var scanner = LiteralScanner(Array(text.utf8))
        var descr: String?
        var fortran: Bool?
        var shape: [Int]?
        try scanner.expect(UInt8(ascii: "{"))
        while true {
            scanner.skipSpaces()
            if scanner.take(UInt8(ascii: "}")) { break }
            let key = try scanner.string()
            try scanner.expect(UInt8(ascii: ":"))
            switch key {
            case "descr":
                guard descr == nil else { throw ParseError(reason: "key 'descr' repeated") }
                descr = try scanner.string()
            case "fortran_order":
                guard fortran == nil else { throw ParseError(reason: "key 'fortran_order' repeated") }
                fortran = try scanner.boolean()
            case "shape":
                guard shape == nil else { throw ParseError(reason: "key 'shape' repeated") }
                shape = try scanner.intTuple()
            default:
                throw ParseError(reason: "unexpected key '\(key)'")
            }
            scanner.skipSpaces()
            if scanner.take(UInt8(ascii: ",")) { continue }
            try scanner.expect(UInt8(ascii: "}"))
            break
        }
        scanner.skipSpaces()
        guard scanner.atEnd else { throw ParseError(reason: "unexpected text after the dictionary") }
        guard let descr, let fortran, let shape else {
            throw ParseError(reason: "keys descr, fortran_order and shape are all required")
        }
        self.descr = descr
        self.fortranOrder = fortran
        self.shape = shape
    }
}

/// A scanner for the small Python-literal subset `.npy` headers use.
private struct LiteralScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index >= bytes.count }

    mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 { index += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func expect(_ byte: UInt8) throws(NpyHeader.ParseError) {
        skipSpaces()
        guard take(byte) else {
            throw NpyHeader.ParseError(reason: "expected '\(Character(Unicode.Scalar(byte)))' at offset \(index)")
        }
    }

    mutating func string() throws(NpyHeader.ParseError) -> String {
        skipSpaces()
        guard index < bytes.count, bytes[index] == 0x27 || bytes[index] == 0x22 else {
            throw NpyHeader.ParseError(reason: "expected a quoted string at offset \(index)")
        }
        let quote = bytes[index]
        index += 1
        let start = index
        while index < bytes.count, bytes[index] != quote {
            guard bytes[index] != 0x5C else { throw NpyHeader.ParseError(reason: "escapes in strings are not supported") }
            index += 1
        }
        guard index < bytes.count else { throw NpyHeader.ParseError(reason: "unterminated string") }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return text
    }

    mutating func boolean() throws(NpyHeader.ParseError) -> Bool {
        skipSpaces()
        for (word, value) in [("True", true), ("False", false)] {
            let utf8 = Array(word.utf8)
            if index + utf8.count <= bytes.count, bytes[index..<(index + utf8.count)].elementsEqual(utf8) {
                index += utf8.count
                return value
            }
        }
        throw NpyHeader.ParseError(reason: "expected True or False at offset \(index)")
    }

    mutating func integer() throws(NpyHeader.ParseError) -> Int {
        skipSpaces()
        var value = 0
        var digits = 0
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times.addingReportingOverflow(Int(bytes[index] - 0x30))
            guard !o1, !o2 else { throw NpyHeader.ParseError(reason: "dimension too large") }
            value = next
            digits += 1
            index += 1
        }
        // NumPy writes Python ints; a trailing L appears in files written by Python 2.
        _ = take(UInt8(ascii: "L"))
        guard digits > 0 else { throw NpyHeader.ParseError(reason: "expected a non-negative integer at offset \(index)") }
        return value
    }

    mutating func intTuple() throws(NpyHeader.ParseError) -> [Int] {
        try expect(UInt8(ascii: "("))
        var values: [Int] = []
        while true {
            skipSpaces()
            if take(UInt8(ascii: ")")) { break }
            values.append(try integer())
            skipSpaces()
            if take(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: ")"))
            break
        }
        guard values.count <= 32 else { throw NpyHeader.ParseError(reason: "more than 32 dimensions") }
        return values
    }
}

extension String {
    func trimmingSuffixWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\n" { text = text.dropLast() }
        return String(text)
    }
}
