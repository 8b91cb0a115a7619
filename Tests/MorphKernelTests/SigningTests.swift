import Testing

@testable import MorphKernel

@Suite struct SigningTests {
    @Test func knownHMACVector() {
        // RFC 4231 test case 2.
        let signer = MessageSigner(key: Array("Jefe".utf8))
        let digest = signer.signature(of: [Array("what do ya want ".utf8), Array("for nothing?".utf8)])
        #expect(String(decoding: digest, as: UTF8.self)
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func keysLongerThanABlockAreHashedFirst() {
        // RFC 4231 test case 6: a 131-byte key.
        let signer = MessageSigner(key: [UInt8](repeating: 0xAA, count: 131))
        let digest = signer.signature(of: [Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)])
        #expect(String(decoding: digest, as: UTF8.self)
            == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func theDigestDependsOnlyOnTheConcatenatedBytes() {
        let signer = MessageSigner(key: Array("k".utf8))
        let whole = signer.signature(of: [Array("{\"a\":1}{}{}{\"code\":\"x\"}".utf8)])
        let parts = signer.signature(of: [Array("{\"a\":1}".utf8), Array("{}".utf8), [], Array("{}{\"code\":\"x\"}".utf8)])
        #expect(whole == parts)
        #expect(whole.count == 64)
        let large = [UInt8](repeating: 7, count: 3 << 20)
        #expect(signer.signature(of: [large, []]) == signer.signature(of: [Array(large[..<12345]), Array(large[12345...])]))
    }

    @Test func verifiesOnlyTheRightSignature() {
        let signer = MessageSigner(key: Array("k".utf8))
        let parts = [Array("{}".utf8), Array("{}".utf8)]
        let signature = signer.signature(of: parts)
        #expect(signer.isValid(signature: signature, of: parts))
        var altered = signature
        altered[10] = altered[10] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        #expect(!signer.isValid(signature: altered, of: parts))
        #expect(!signer.isValid(signature: Array(signature.prefix(63)), of: parts))
        #expect(!signer.isValid(signature: [], of: parts))
        #expect(!signer.isValid(signature: signature, of: [Array("{}".utf8), Array("{ }".utf8)]))
    }

    @Test func emptyKeyMeansNoSigning() throws {
        let signer = MessageSigner(key: [])
        #expect(!signer.isEnabled)
        #expect(signer.signature(of: [[1]]).isEmpty)
        let codec = WireCodec(key: "")
        let frames = codec.encode(Message(header: Header(messageType: "kernel_info_request", session: "s")))
        #expect(frames[1].isEmpty)
        // Decoding the same frames twice is fine without a key (no signature, no replay check).
        _ = try codec.decode(frames)
        _ = try codec.decode(frames)
    }

    @Test func replayedSignaturesAreRejected() throws {
        let codec = WireCodec(key: "k")
        let frames = codec.encode(Message(header: Header(messageType: "kernel_info_request", session: "s")))
        _ = try codec.decode(frames)
        #expect(throws: WireError.replayedSignature) { try codec.decode(frames) }
    }

    @Test func replayGuardForgetsOldestFirst() {
        let guardian = ReplayGuard(capacity: 2)
        #expect(guardian.admit([1]))
        #expect(guardian.admit([2]))
        #expect(!guardian.admit([1]))
        #expect(guardian.admit([3]))  // forgets [1]
        #expect(guardian.admit([1]))  // forgets [2]
        #expect(!guardian.admit([3]))
        #expect(guardian.admit([2]))
    }

    @Test func badAndMissingSignaturesAreRejected() {
        let codec = WireCodec(key: "k")
        var frames = WireCodec(key: "other").encode(Message(header: Header(messageType: "x", session: "s")))
        #expect(throws: WireError.badSignature) { try codec.decode(frames) }
        frames[1] = []
        #expect(throws: WireError.missingSignature) { try codec.decode(frames) }
    }
}
