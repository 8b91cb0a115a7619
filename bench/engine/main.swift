// The engine benchmark: one model, one thread count, one process (so peak RSS is the model's).
// Usage: morph-engine-bench --model ae|bakeoff|conv [--threads N] [--train-images N] [--repeats N]
//        [--data fashion-mnist|random] [--only jacobian64|jacobian1024|codec]
// --data: Fashion-MNIST from Debian's dataset-fashion-mnist (default), or uniform noise of the same
// shape. --only: one measure, repeated (for profiling).
// Prints one JSON object.
import Glibc
import MorphEngine

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
    let start = now()
    let r = try body()
    return (r, now() - start)
}

// The OpenBLAS settings `morph` starts with (core type, thread timeout), by the same re-exec.
BLAS.ensureLaunchEnvironment()

var arguments = CommandLine.arguments.dropFirst()
var modelName = "ae", threads = 1, trainImages = 60000, repeats = 3, only: String? = nil, data = "fashion-mnist"
while let flag = arguments.popFirst() {
    let value = arguments.popFirst() ?? ""
    switch flag {
    case "--model": modelName = value
    case "--threads": threads = Int(value) ?? 1
    case "--train-images": trainImages = Int(value) ?? 60000
    case "--repeats": repeats = Int(value) ?? 3
    case "--only": only = value
    case "--data": data = value
    default:
        print("unknown option \(flag)")
        exit(2)
    }
}

do {
    BLAS.threadCount = threads
    let train: Tensor, test: Tensor
    switch data {
    case "fashion-mnist":
        let set = try Dataset.fashionMNIST(train: trainImages, test: 10000)
        train = try Tensor(shape: [set.train.count, 784], scalars: set.train.images.scalars)
        test = try Tensor(shape: [set.test.count, 784], scalars: set.test.images.scalars)
    case "random":
        var g = RandomGenerator(seed: 1)
        train = try Tensor.randomUniform([trainImages, 784], generator: &g)
        test = try Tensor.randomUniform([10000, 784], generator: &g)
    default:
        print("unknown data \(data) (fashion-mnist, random)")
        exit(2)
    }
    let model: AutoEncoderModel
    switch modelName {
    case "ae": model = try AutoEncoderModel(.autoEncoder, latent: 16, seed: 0)
    case "bakeoff": model = try AutoEncoderModel(.autoEncoderBakeOff, latent: 16, seed: 0)
    case "conv": model = try AutoEncoderModel(.convAutoEncoder, latent: 16, seed: 0)
    default:
        print("unknown model \(modelName) (ae, bakeoff, conv)")
        exit(2)
    }
    let (_, epoch) = try timed { try MorphEngine.train(model, on: train, epochs: 1, batchSize: 128, optimizer: Adam(), seed: 0) }
    let rssTrain = peakRSSMiB()
    // Path points between two encodings.
    let ends = try model.encode(test.samples(0..<2))
    func path(_ n: Int) throws -> Tensor {
        let a = try ends.samples(0..<1), b = try ends.samples(1..<2)
        return try Tensor.concatenate((0..<n).map { i in
            let t = Float(i) / Float(n - 1)
            return try (a * (1 - t)) + (b * t)
        }, axis: 0)
    }
    let p64 = try path(64), p1024 = try path(1024)
    func best(_ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<repeats { best = min(best, try timed(body).1) }
        return best
    }
    func measure(_ name: String, _ body: () throws -> Void) rethrows -> Double {
        only == nil || only == name ? try best(body) : 0
    }
    let jac64 = try measure("jacobian64") { _ = try jacobian(of: model, at: p64) }
    let jac1024 = try measure("jacobian1024") { _ = try jacobian(of: model, at: p1024) }
    let codec = try measure("codec") { _ = try model.decode(model.encode(test)) }
    print("""
    {"engine": "morph", "model": "\(modelName)", "data": "\(data)", "threads": \(threads), "core": "\(BLAS.coreName)", \
    "epoch_s": \(epoch), "jacobian64_s": \(jac64), "jacobian1024_s": \(jac1024), "encode_decode_10k_s": \(codec), \
    "peak_rss_train_mib": \(rssTrain), "peak_rss_mib": \(peakRSSMiB())}
    """)
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
