import Glibc
import MorphEngine
import MorphRender
import Testing
@testable import MorphScript

/// Networks as values in cells: layers, compositions, shape errors at the argument,
/// definitions that rebuild identical models, and the layer summary.
@Suite(.serialized)
struct NetworkScriptTests {
    static func bytes(_ path: String) throws -> [UInt8] {
        try readFileBytes(path)
    }

    @Test func aDefinitionPastedIntoACellRebuildsIdenticalWeights() throws {
        let h = Harness()
        for call in ["ConvAutoEncoder(latent: 6, seed: 3)", "AutoEncoderBN(latent: 4, seed: 1)", "SOGAE(latent: 3, seed: 2)",
                     "ConvVAE(latent: 4, beta: 2.5, seed: 5)", "MixtureDecoder(latent: 2, components: 3, sigma: 0.5, seed: 4)"] {
            try h.run("let named = \(call)\nlet text = definition(named)")
            // The definition is MorphScript: paste it into a cell as the value of a new variable.
            guard case .string(let source) = h.session.value(of: "text") else {
                Issue.record("definition did not return text")
                continue
            }
            #expect(source.contains("seed:") && source.contains("\n"), "\(call): \(source)")
            try h.run("let pasted = " + source)
            let a = "/tmp/morph-definition-a-\(getpid()).npz", b = "/tmp/morph-definition-b-\(getpid()).npz"
            defer { unlink(a); unlink(b) }
            try h.run("exportWeights(named, to: \"\(a)\")\nexportWeights(pasted, to: \"\(b)\")")
            #expect(try Self.bytes(a) == Self.bytes(b), "\(call): the pasted definition gave other weights")
            #expect(try h.run("pasted.name") == h.run("named.name"))
        }
        #expect(try h.run("definition(PCA(latent: 4))") == "\"PCA(latent: 4)\"")
    }

    @Test func aFullyConvolutionalAndACustomModelTrainSaveAndLoad() throws {
        let h = Harness()
        try h.run("""
            let data = dataset("synthetic", classes: [0, 1], train: 64, test: 8)
            let encoder = Sequential([Conv2d(1, 8, kernel: 4, stride: 2, padding: 1), ReLU(), Conv2d(8, 4, kernel: 4, stride: 2, padding: 1)])
            let decoder = Sequential([
                ConvTranspose2d(4, 8, kernel: 4, stride: 2, padding: 1), LeakyReLU(0.2),
                ConvTranspose2d(8, 1, kernel: 4, stride: 2, padding: 1), Sigmoid(),
            ])
            let fcn = AutoEncoder(encoder: encoder, decoder: decoder, seed: 1, name: "FCN")
            let mlp = AutoEncoder(encoder: Sequential([Flatten(), Linear(784, 64), Tanh(), Linear(64, 8)]),
                                  decoder: Sequential([Linear(8, 64), BatchNorm(64), ReLU(), Linear(64, 784), Sigmoid(), Reshape([1, 28, 28])]))
            """)
        #expect(try h.run("fcn.latent") == "196")
        #expect(try h.run("fcn.name") == "\"FCN\"")
        #expect(try h.run("mlp.name") == "\"AutoEncoder [1, 28, 28]→8\"")
        for model in ["fcn", "mlp"] {
            try h.run("train(\(model), on: data, epochs: 1, batchSize: 32)")
            #expect(try h.run("path(\(model), from: data.test[0], to: data.test[1], steps: 4).jacobianNorms.count") == "4")
            _ = try h.run("interpolate(\(model), from: data.test[0], to: data.test[1], steps: 4)")
            let file = "/tmp/morph-network-\(getpid())-\(model).morph"
            defer { unlink(file) }
            try h.run("save(\(model), to: \"\(file)\")\nlet loaded_\(model) = load(\"\(file)\")")
            #expect(try h.run("path(loaded_\(model), from: data.test[0], to: data.test[1], steps: 4).jacobianNorms == path(\(model), from: data.test[0], to: data.test[1], steps: 4).jacobianNorms") == "true")
            #expect(try h.run("loaded_\(model).name") == h.run("\(model).name"))
        }
        let summary = try #require(try h.session.execute("fcn", in: h.context))
        let text = try #require(summary.plainText)
        #expect(text.contains("encoder[0]  Conv2d(1, 8, kernel: 4, stride: 2, padding: 1)"))
        #expect(text.contains("[4, 7, 7]"))
        #expect(text.contains("multiply-adds per image"))
        #expect(text.contains("trained 1 epoch"))
    }

    @Test func aWrongShapeIsAnErrorAtTheArgumentWithTheLayerAndBothShapes() throws {
        let h = Harness()
        try h.run("""
            let encoder = Sequential([Conv2d(1, 32, kernel: 4, stride: 2, padding: 1), ReLU(), Conv2d(32, 64, kernel: 4, stride: 2, padding: 1), Conv2d(64, 64, kernel: 3, stride: 2, padding: 1)])
            let decoder = Sequential([ReLU(), Flatten(), Linear(1568, 256)])
            """)
        let error = try #require(h.failure("let m = AutoEncoder(encoder: encoder, decoder: decoder)"))
        #expect(error.kind == "ShapeError")
        #expect(error.message == "Linear(1568, 256) at decoder[2] expects 1568 values per sample, but Flatten() gives 1024 (64×4×4)")
        #expect(error.column == 39, "the caret points at decoder: (column \(error.column ?? -1))")
        #expect(h.session.value(of: "m") == nil)
        let unflattened = try #require(h.failure("AutoEncoder(encoder: Sequential([Linear(784, 8)]), decoder: Linear(8, 784))"))
        #expect(unflattened.message.contains("needs flat samples of 784 values, but the input gives [1, 28, 28]"))
        #expect(unflattened.column == 13)
        #expect(try h.run("AutoEncoder(encoder: Sequential([Linear(784, 8)]), decoder: Linear(8, 784), input: [784]).latent") == "8")
        #expect(h.failure("Conv2d(1, 0, kernel: 3)")?.kind == "ValueError")
        #expect(h.failure("ConvTranspose2d(1, 2, kernel: 3, stride: 2, outputPadding: 2)")?.kind == "ValueError")
        #expect(h.failure("Linear(9223372036854775807, 3)")?.kind == "ValueError")
        #expect(h.failure("Reshape([])")?.kind == "ValueError")
        #expect(h.failure("Sequential([ReLU(), 3])")?.kind == "TypeError")
        #expect(h.failure("VAE(encoder: Sequential([Flatten(), Linear(784, 5)]), decoder: Linear(2, 784))")?.kind == "ShapeError")
    }

    @Test func theClosestOverloadExplainsTheError() throws {
        let h = Harness()
        try h.run("let e = Sequential([Flatten(), Linear(784, 4)])\nlet d = Linear(4, 784)")
        let error = try #require(h.failure("AutoEncoder(encoder: e, decodr: d)"))
        #expect(error.message.contains("its labels are encoder:, decoder:"), "\(error.message)")
        #expect(error.suggestion == "decoder:")
        #expect(try h.run("AutoEncoder(decoder: d, latent: 4, input: [784]).latent") == "4")
    }

    @Test func tabCompletionAndShiftTabKnowLayers() throws {
        let session = Session()
        func complete(_ code: String) -> [String] {
            session.completions(in: code, cursor: code.unicodeScalars.count).matches.map(\.text)
        }
        #expect(Set(["Conv2d", "ConvTranspose2d", "ConvVAE", "ConvAutoEncoder"]).isSubset(of: Set(complete("Conv"))))
        #expect(complete("Conv2d(1, 8, ker").contains("kernel:"))
        #expect(complete("ConvTranspose2d(1, 8, kernel: 4, out").contains("outputPadding:"))
        #expect(Set(["encoder:", "decoder:"]).isSubset(of: Set(complete("AutoEncoder("))))
        let code = "LocallyConnected2d(1, 8, kernel: 3)"
        let doc = session.inspection(of: code, cursor: 4, detailLevel: 0)?.plainText ?? ""
        #expect(doc.contains("LocallyConnected2d(_ inChannels: Int, _ outChannels: Int, kernel: Int"), "\(doc)")
        #expect(doc.contains("without weight sharing"))
        let help = Harness(session: session)
        try help.run("help(SecondOrder)")
        #expect(help.sink.text().contains("Construction 1") || help.sink.displayed.contains { $0.plainText?.contains("Construction 1") == true })
    }
}

/// Figures readable where people look: a strip carries its caption in its pixels.
struct PictureCaptionTests {
    @Test func aStripHasACaptionBandUnderItsImages() throws {
        let h = Harness()
        try h.run("let data = dataset(\"synthetic\", classes: [0, 1], train: 16, test: 8)\nlet m = AutoEncoder(latent: 2)")
        try h.run("let strip = interpolate(m, from: data.test[0], to: data.test[1], steps: 4)")
        guard case .host(let picture as PictureValue) = h.session.value(of: "strip") else {
            Issue.record("interpolate did not return a picture")
            return
        }
        let image = picture.image
        // One row of 6 images of 28×28 at scale 2 with 2-pixel padding: 60 pixels; the rest is the caption.
        let rows = 28 * 2 + 2 * 2
        #expect(image.height > rows + 8, "\(image.height)")
        let band = (rows..<image.height).flatMap { y in (0..<image.width).map { x in image.pixels[(y * image.width + x) * image.channels] } }
        #expect(band.contains { $0 < 128 }, "the caption band is blank")
        #expect(picture.caption.contains("L2 recover loss"))
    }
}
