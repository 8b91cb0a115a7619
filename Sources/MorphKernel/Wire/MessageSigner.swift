import COpenSSL

/// HMAC-SHA256 signatures of messages (hex digest), as the connection file's key prescribes.
///
/// An empty key means no signing: messages go out with an empty signature and any signature
/// is accepted, as the messaging specification says. The digest is computed over the parts one
/// after another (HMAC as RFC 2104 defines it, on SHA-256), so a large frame is never copied.
public struct MessageSigner: Sendable {
    /// The key, reduced to at most one SHA-256 block and padded with zeros to a full block.
    private let block: [UInt8]
    private let enabled: Bool

    /// SHA-256's block size in bytes.
    private static let blockSize = 64

    /// A signer with the connection file's key (its UTF-8 bytes).
    public init(key: [UInt8]) {
        enabled = !key.isEmpty
        var block = key.count > MessageSigner.blockSize ? (MessageSigner.sha256([key]) ?? []) : key
        block.append(contentsOf: repeatElement(0, count: MessageSigner.blockSize - block.count))
        self.block = block
    }

    /// Whether messages are signed at all.
    public var isEnabled: Bool { enabled }

    /// The lowercase hex HMAC-SHA256 of the parts taken in order (header, parent, metadata,
    /// content); empty when signing is off or the digest could not be computed.
    public func signature<Parts: Collection>(of parts: Parts) -> [UInt8] where Parts.Element == [UInt8] {
        guard enabled else { return [] }
        let inner = block.map { $0 ^ 0x36 }
        let outer = block.map { $0 ^ 0x5C }
        guard let innerDigest = MessageSigner.sha256(CollectionOfOne(inner), then: parts),
            let digest = MessageSigner.sha256([outer, innerDigest])
        else { return [] }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(2 * digest.count)
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return out
    }

    /// Whether `signature` is the signature of `parts`, compared in constant time.
    public func isValid<Parts: Collection>(signature: [UInt8], of parts: Parts) -> Bool
    where Parts.Element == [UInt8] {
        guard enabled else { return true }
        let expected = self.signature(of: parts)
        guard !expected.isEmpty, signature.count == expected.count else { return false }
        return expected.withUnsafeBytes { a in
            signature.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }

    /// SHA-256 of `parts` fed one after another; nil if OpenSSL fails.
    private static func sha256<Parts: Collection>(_ parts: Parts) -> [UInt8]? where Parts.Element == [UInt8] {
        sha256(parts, then: [[UInt8]]())
    }

    /// SHA-256 of `first` then `rest`, each part fed as it is; nil if OpenSSL fails.
    private static func sha256<First: Collection, Rest: Collection>(_ first: First, then rest: Rest) -> [UInt8]?
    where First.Element == [UInt8], Rest.Element == [UInt8] {
        guard let context = EVP_MD_CTX_new() else { return nil }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else { return nil }
        func feed(_ part: [UInt8]) -> Bool {
            part.withUnsafeBytes { bytes in
                bytes.isEmpty || EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1
            }
        }
        for part in first where !feed(part) { return nil }
        for part in rest where !feed(part) { return nil }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1, length == 32 else { return nil }
        return digest
    }
}
