import Testing
@testable import MorphJSON

@Suite struct JSONTests {
    @Test func roundTripsNestedValues() throws {
        let text = #"{"a":[1,2.5,-3e2,true,false,null],"b":{"c":"x\"y\\z\n\u00e9\ud83d\ude00"}}"#
        let v = try JSON.parse(text)
        #expect(v["a"]?.arrayValue?.count == 6)
        #expect(v["a"]?.arrayValue?[2].doubleValue == -300)
        #expect(v["b"]?["c"]?.stringValue == "x\"y\\z\né😀")
        #expect(try JSON.parse(v.serialized()) == v)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"abc", "tru", "[1] x", "\"\u{01}\"", "\"\\ud800\""])
    func rejectsInvalidText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    /// Found by fuzz/JSON: 1e309 parsed to infinity, which serializes as null.
    @Test(arguments: ["1e309", "[-1e400]", "{\"a\": 123456789e999}"])
    func rejectsNumbersBeyondDoubleRange(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSON.parse(text) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSON.parse(utf8: [0x22, 0xFF, 0xFE, 0x22]) }
    }

    @Test func limitsDepth() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(throws: JSONParseError.self) { try JSON.parse(deep) }
    }

    @Test func serializesIntegersWithoutFraction() {
        #expect(JSON.number(3).serialized() == "3")
        #expect(JSON.number(0.5).serialized() == "0.5")
        #expect(JSON(Double.nan).serialized() == "null")
        #expect(JSON.object(["b": 1, "a": 2]).serialized() == #"{"a":2,"b":1}"#)
    }
}
