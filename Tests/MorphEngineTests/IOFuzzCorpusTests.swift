import Glibc
import Testing
import MorphEngine

/// The committed fuzz seed corpora (fuzz/IDX/corpus, fuzz/Checkpoint/corpus), relative to this checkout.
private func corpusFiles(_ target: String, filePath: String = #filePath) -> [String] {
    var parts = filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    parts.removeLast(3)
    let directory = parts.joined(separator: "/") + "/fuzz/\(target)/corpus"
    return TemporaryDirectory(existing: directory).listing().map { "\(directory)/\($0)" }
}

@Suite("Fuzz seed corpora and regressions")
struct IOFuzzCorpusTests {
    @Test func everyReaderSeedIsAcceptedByItsReader() throws {
        let files = corpusFiles("IDX")
        #expect(files.count >= 5)
        for path in files {
            if path.hasSuffix(".npz") {
                #expect(try !NumPy.readArchive(from: path).isEmpty)
            } else if path.hasSuffix(".npy") {
                #expect(try NumPy.readArray(from: path).isWellFormed)
            } else {
                #expect(try IDX.read(from: path).values.count > 0)
            }
        }
    }

    @Test func everyCheckpointSeedVerifies() throws {
        let files = corpusFiles("Checkpoint")
        #expect(files.count >= 2)
        for path in files {
            // Each seed verifies, re-encodes, and reads back with the same arrays (as the fuzz target asks).
            let checkpoint = try Checkpoint(contentsOf: path)
            let again = try Checkpoint(decoding: checkpoint.encoded(), name: "again")
            #expect(again == checkpoint, "\(path)")
        }
    }
}
