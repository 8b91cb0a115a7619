#if canImport(Glibc)
import Glibc
#endif

/// Where and how the MNIST files are downloaded when they are missing.
public struct MNISTDownload: Sendable, Equatable {
    /// A public MNIST mirror (the one torchvision uses), served over https.
    public static let defaultBaseURL = "https://ossci-datasets.s3.amazonaws.com/mnist/"

    /// The published MD5 checksums of the four files (as torchvision lists them).
    public static let publishedChecksums: [String: String] = [
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    ]

    /// The URL the file names are appended to.
    public var baseURL: String
    /// Expected MD5 per file name; nil skips verification (only for tests against generated files).
    public var checksums: [String: String]?
    /// Whether downloading is allowed at all.
    public var isEnabled: Bool

    /// A download configuration.
    public init(baseURL: String = defaultBaseURL, checksums: [String: String]? = publishedChecksums, isEnabled: Bool = true) {
        self.baseURL = baseURL
        self.checksums = checksums
        self.isEnabled = isEnabled
    }

    /// The configuration the environment asks for.
    ///
    /// `MORPH_MNIST_URL` sets the base URL; `MORPH_MNIST_CHECKSUMS` is `none` (no verification)
    /// or the path of an `md5sum`-style file (`HASH  NAME` lines); `MORPH_MNIST_DOWNLOAD=0` disables downloading.
    public static func fromEnvironment(_ environment: [String: String] = processEnvironment()) throws(DatasetError) -> MNISTDownload {
        var download = MNISTDownload()
        if let url = environment["MORPH_MNIST_URL"], !url.isEmpty { download.baseURL = url }
        if environment["MORPH_MNIST_DOWNLOAD"] == "0" { download.isEnabled = false }
        if let spec = environment["MORPH_MNIST_CHECKSUMS"], !spec.isEmpty {
            if spec == "none" {
                download.checksums = nil
            } else {
                let bytes: [UInt8]
                do { bytes = try readFileBytes(spec, limit: 1 << 20) } catch {
                    throw DatasetError("MORPH_MNIST_CHECKSUMS names \(spec), which cannot be read (\(error.reason)); give an md5sum-style file or `none`")
                }
                var sums: [String: String] = [:]
                for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                    let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                    guard fields.count == 2 else { continue }
                    var name = String(fields[1])
                    if name.hasPrefix("*") { name.removeFirst() }
                    sums[name] = fields[0].lowercased()
                }
                download.checksums = sums
            }
        }
        return download
    }

    /// The URL of one file.
    public func url(of fileName: String) -> String {
        baseURL.hasSuffix("/") ? baseURL + fileName : baseURL + "/" + fileName
    }

    /// Downloads `fileName` into `directory` with curl, verifies its checksum, and renames it into place.
    ///
    /// The file arrives under a temporary name; on any failure that is removed and nothing else changes.
    public func fetch(_ fileName: String, into directory: String) throws(DatasetError) {
        var template = Array("\(directory)/.\(fileName).download-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw DatasetError("Cannot create a file in \(directory): \(errnoDescription())")
        }
        close(fd)
        let temporary = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        var keep = false
        defer { if !keep { unlink(temporary) } }
        let source = url(of: fileName)
        let curl = runCapturingStandardError([
            "curl", "--fail", "--silent", "--show-error", "--location", "--proto", "=https,http",
            "--connect-timeout", "15", "--max-time", "900", "--output", temporary, source,
        ])
        guard curl.status == 0 else {
            let detail = curl.standardError.isEmpty ? "exit status \(curl.status)" : curl.standardError
            throw DatasetError("Downloading \(source) failed: \(detail)")
        }
        let bytes: [UInt8]
        do { bytes = try readFileBytes(temporary) } catch {
            throw DatasetError("Reading the download of \(source) failed: \(error.reason)")
        }
        if let checksums {
            guard let expected = checksums[fileName] else {
                throw DatasetError("No checksum is known for \(fileName); refusing the unverified download")
            }
            let actual = md5Hex(bytes)
            guard actual == expected.lowercased() else {
                throw DatasetError("Checksum mismatch for \(source): MD5 \(actual), expected \(expected); the download is corrupt or the mirror serves other files")
            }
        }
        _ = chmod(temporary, 0o644)
        guard rename(temporary, "\(directory)/\(fileName)") == 0 else {
            throw DatasetError("Cannot move the download into \(directory)/\(fileName): \(errnoDescription())")
        }
        keep = true
    }
}

/// The process environment as a dictionary.
public func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var pointer = environ
    while let entry = pointer.pointee {
        let text = String(cString: entry)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        pointer += 1
    }
    return result
}

extension Dataset {
    /// MNIST's class names (the digits).
    public static let mnistClassNames = (0...9).map(String.init)

    /// MNIST from `directory` (else `MORPH_DATA`), downloading the missing files there first.
    ///
    /// When a file is missing and cannot be downloaded, the error lists exactly which files to place where.
    public static func mnist(
        directory: String? = nil, classes: [Int]? = nil, train: Int? = nil, test: Int? = nil,
        download: MNISTDownload? = nil, environment: [String: String] = processEnvironment()
    ) throws -> Dataset {
        let names = idxFileNames.map { $0 + ".gz" }.joined(separator: ", ")
        guard let directory = directory ?? environment["MORPH_DATA"].flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw DatasetError("""
                MNIST needs a directory: pass directory: "/path/to/mnist" or set MORPH_DATA. \
                The files \(names) are downloaded there if missing, or place them there yourself.
                """)
        }
        let download = try download ?? MNISTDownload.fromEnvironment(environment)
        var missing = missingIDXFiles(in: directory)
        if !missing.isEmpty {
            var failure = "Downloading is disabled (MORPH_MNIST_DOWNLOAD=0)"
            if download.isEnabled {
                var failures: [String] = []
                do {
                    try makeDirectories(directory)
                    // Each file on its own: one missing on the mirror should not stop the others.
                    for file in missing {
                        do { try download.fetch(file, into: directory) } catch {
                            failures.append(error.message)
                            // A server that cannot be reached at all will not serve the next file either.
                            if error.message.contains("curl: (6)") || error.message.contains("curl: (7)")
                                || error.message.contains("curl: (28)") { break }
                        }
                    }
                } catch {
                    failures.append(error.message)
                }
                failure = failures.joined(separator: "; ")
                missing = missingIDXFiles(in: directory)
            }
            if !missing.isEmpty {
                throw DatasetError("""
                    MNIST files are missing in \(directory): \(missing.joined(separator: ", ")). \
                    \(failure.isEmpty ? "" : failure + ". ")Place \(missing.joined(separator: ", ")) \
                    (from \(download.baseURL) or another MNIST mirror) in \(directory), \
                    or set MORPH_MNIST_URL to a reachable mirror.
                    """)
            }
        }
        return try fromIDXFiles(in: directory, name: "mnist", classNames: mnistClassNames,
                                classes: classes, train: train, test: test)
    }

    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(DatasetError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw DatasetError("cannot create the directory \(prefix): \(errnoDescription())")
            }
        }
    }
}
