import COpenSSL

/// HMAC-SHA256 signatures of messages (hex digest), as the connection file's key prescribes.
///
/// An empty key means no signing: messages go out with an empty signature and any signature
/// is accepted, as the messaging specification says.
public struct MessageSigner: Sendable {
    private let key: [UInt8]

    /// A signer with the connection file's key (its UTF-8 bytes).
    public init(key: [UInt8]) { self.key = key }

    /// Whether messages are signed at all.
    public var isEnabled: Bool { !key.isEmpty }

    /// The lowercase hex HMAC-SHA256 of the concatenated parts (header, parent, metadata, content);
    /// empty when signing is off.
    public func signature<Parts: Collection>(of parts: Parts) -> [UInt8] where Parts.Element == [UInt8] {
        guard isEnabled else { return [] }
        var total = 0
        for part in parts { total += part.count }
        var data: [UInt8] = []
        data.reserveCapacity(total)
        for part in parts { data.append(contentsOf: part) }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            data.withUnsafeBufferPointer { dataBytes in
                digest.withUnsafeMutableBufferPointer { out in
                    _ = HMAC(
                        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                        dataBytes.baseAddress, dataBytes.count, out.baseAddress, &length)
                }
            }
        }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest.prefix(Int(length)) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return out
    }

    /// Whether `signature` is the signature of `parts`, compared in constant time.
    public func isValid<Parts: Collection>(signature: [UInt8], of parts: Parts) -> Bool
    where Parts.Element == [UInt8] {
        guard isEnabled else { return true }
        let expected = self.signature(of: parts)
        guard signature.count == expected.count else { return false }
        return expected.withUnsafeBytes { a in
            signature.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }
}
