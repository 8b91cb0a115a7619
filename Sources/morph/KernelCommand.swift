import ArgumentParser
import Logging
import MorphEngine
import MorphKernel
import MorphScript

/// `morph kernel`: runs the Jupyter kernel for a connection file (what kernel.json's argv starts).
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "Run the Jupyter kernel on the sockets a connection file names."
    )

    @Option(name: .long, help: "The connection file Jupyter wrote (ports, transport, key).")
    var connectionFile: String

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical (default: $MORPH_LOG_LEVEL or info). Logs go to stderr.")
    var logLevel: String?

    @Option(name: .long, help: ArgumentHelp(
        "The largest message in bytes accepted on the shell, control and stdin channels (134217728 is 128 MiB); larger ones are dropped.",
        valueName: "bytes"))
    var maxMessageSize: Int = KernelServer.defaultMaxMessageSize

    @Option(name: .long, help: ArgumentHelp(
        "The memory the engine may use (bytes, or with a K, M or G suffix; default: $MORPH_MEMORY_LIMIT, else 75 % of physical memory or the address-space limit less 768 MiB). A cell asking for more gets a MemoryError.",
        valueName: "size"))
    var memoryLimit: String?

    func validate() throws {
        if let memoryLimit, MemoryBudget.parseSize(memoryLimit) == nil {
            throw ValidationError("--memory-limit must be a positive size such as 8G, 512M or 1048576")
        }
        if maxMessageSize < 1 {
            throw ValidationError("--max-message-size must be a positive number of bytes")
        }
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        // First, before any thread starts: SIGINT interrupts the running cell instead of killing the kernel.
        let cancellation = CancellationToken()
        InterruptSignal.route(to: cancellation)
        if let bytes = memoryLimit.flatMap(MemoryBudget.parseSize) { MemoryBudget.limit = bytes }

        let level = Logger.Level(rawValue: logLevel ?? Kernelspec.environment("MORPH_LOG_LEVEL") ?? "info") ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "morph.kernel")

        let connection: ConnectionInfo
        do {
            connection = try ConnectionInfo.load(path: connectionFile) { logger.warning("\($0)") }
        } catch {
            throw ValidationError(error.description)
        }
        logger.debug("connection: \(connection.description)")
        let server: KernelServer
        do {
            server = try KernelServer(
                connection: connection, logger: logger, cancellation: cancellation, maxMessageSize: maxMessageSize)
        } catch {
            throw ValidationError("cannot open the kernel's sockets: \(error.description)")
        }
        // Ports the kernel chose (0 in the file) are written back where clients read them.
        if connection.ports.values.contains(0) {
            do {
                try server.connection.writePorts(toFileAt: connectionFile)
                logger.info("wrote the chosen ports to \(connectionFile): \(server.connection.description)")
            } catch {
                logger.warning("\(error.description)")
            }
        }
        // History across sessions lives under the Jupyter data directory ($JUPYTER_DATA_DIR, …).
        let history = Kernelspec.userDataDirectory().map { HistoryStore(dataDirectory: $0) }
        server.start(history: history, language: { Session() })
        let restart = server.waitUntilStopped()
        logger.info("kernel stopped\(restart ? " (the client will restart it)" : "")")
    }
}
