import COpenSSL

/// The SHA-256 digest of `bytes`.
func sha256(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    digest(bytes, EVP_sha256(), length: 32)
}

/// The MD5 digest of `bytes`, as lowercase hex (for published download checksums).
func md5Hex(_ bytes: [UInt8]) -> String {
    digest(bytes[...], EVP_md5(), length: 16).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

private func digest(_ bytes: ArraySlice<UInt8>, _ type: OpaquePointer?, length: Int) -> [UInt8] {
    var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var size: UInt32 = 0
    bytes.withUnsafeBytes { input in
        output.withUnsafeMutableBufferPointer { out in
            _ = EVP_Digest(input.baseAddress, input.count, out.baseAddress, &size, type, nil)
        }
    }
    return Array(output.prefix(length))
}
