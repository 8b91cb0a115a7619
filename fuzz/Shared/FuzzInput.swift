/// A fuzz input's bytes, read one at a time (0 past the end), and choices made from them.
struct Bytes {
    let bytes: [UInt8]
    var offset = 0

    mutating func next() -> Int {
        defer { offset += 1 }
        return offset < bytes.count ? Int(bytes[offset]) : 0
    }

    /// One of `items` chosen by the next two bytes, nil when there are none.
    mutating func pick<T>(_ items: [T]) -> T? {
        items.isEmpty ? nil : items[(next() << 8 | next()) % items.count]
    }

    /// One of `items`, which the harness itself guarantees is not empty.
    mutating func element<T>(of items: [T]) -> T {
        precondition(!items.isEmpty, "the fuzz harness chose from an empty list")
        return items[(next() << 8 | next()) % items.count]
    }

    var isAtEnd: Bool { offset >= bytes.count }
}
