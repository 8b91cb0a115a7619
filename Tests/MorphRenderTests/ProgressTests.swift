import Testing
@testable import MorphRender

@Suite struct ProgressTests {
    @Test func textShowsWhereTheRunIs() {
        let p = TrainingProgress(title: "Conv", epoch: 2, epochs: 5, batch: 120, batches: 469, loss: 23.4071,
                                 imagesPerSecond: 1834.2, secondsLeft: 42.4, lossHistory: [90, 50, 30, 23.4])
        #expect(p.plainText() == "Conv · epoch 2/5 · batch 120/469 · loss 23.41 · 1834 img/s · 0:42 left")
        #expect(abs(p.fractionDone - Double(469 + 120) / Double(5 * 469)) < 1e-12)
    }

    @Test func htmlIsWellFormedWithASparkline() throws {
        let p = TrainingProgress(title: "<AE> & co", epoch: 1, epochs: 1, batch: 3, batches: 10, loss: 1,
                                 imagesPerSecond: 10, secondsLeft: 3725, lossHistory: (0..<500).map { 100 / Double($0 + 1) })
        let elements = try checkXML(p.html())
        let line = try #require(elements.first { $0.name == "polyline" })
        #expect(line.attributes["points"]?.split(separator: " ").count == 200)
        #expect(elements.contains { $0.text.contains("<AE> & co") && $0.text.contains("1:02:05 left") })
        #expect(elements.contains { $0.attributes["style"]?.contains("width:30.0%") == true })
    }

    @Test func finishedAndDegenerateStates() {
        let done = TrainingProgress(epoch: 5, epochs: 5, batch: 469, batches: 469, loss: .nan, imagesPerSecond: 0, finished: true)
        #expect(done.fractionDone == 1)
        #expect(done.plainText().hasSuffix("done"))
        #expect(done.sparkline() == "")
        let empty = TrainingProgress(epoch: 0, epochs: 0, batch: 0, batches: 0, loss: 0, imagesPerSecond: 0, secondsLeft: -1)
        #expect(empty.fractionDone == 0)
        #expect(empty.plainText().contains("? left"))
        #expect(!done.plainText().contains("NaN") && !done.plainText().contains("0 img/s"))
        let starting = TrainingProgress(title: "PCA", epoch: 1, epochs: 1, batch: 0, batches: 4, loss: .nan, imagesPerSecond: 0,
                                        note: "fitting in closed form on 512 images")
        #expect(starting.plainText() == "PCA · fitting in closed form on 512 images")
        let bundle = MimeBundle(progress: done)
        #expect(bundle.data["text/html"] != nil && bundle.plainText != nil)
    }
}
