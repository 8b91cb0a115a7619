import ArgumentParser
import MorphEngine
import MorphKernel

#if canImport(Glibc)
import Glibc
#endif

/// `morph install`: writes the kernelspec (kernel.json with this binary's path, logos) where Jupyter finds it.
struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the Morph kernelspec for Jupyter (default: --user).",
        discussion: """
            --user writes to ~/.local/share/jupyter/kernels (or $JUPYTER_DATA_DIR/kernels); --sys-prefix to \
            the Python environment's share/jupyter/kernels ($VIRTUAL_ENV, else python3's sys.prefix); \
            --prefix DIR to DIR/share/jupyter/kernels.
            """
    )

    @Flag(name: .long, help: "Install for the current user (the default).")
    var user = false

    @Flag(name: .long, help: "Install into the active Python environment (VIRTUAL_ENV or python3's sys.prefix).")
    var sysPrefix = false

    @Option(name: .long, help: "Install under DIR/share/jupyter/kernels.")
    var prefix: String?

    @Option(name: .long, help: "The kernel's name (letters, digits, '.', '_', '-').")
    var name: String = "morph"

    func validate() throws {
        if [user, sysPrefix, prefix != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --user, --sys-prefix and --prefix DIR")
        }
        if !Kernelspec.isValidName(name) {
            throw ValidationError("'\(name)' is not a valid kernel name: use letters, digits, '.', '_' and '-' (not '.' or '..' alone)")
        }
    }

    func run() throws {
        let kernels: String
        if let prefix {
            kernels = absolute(prefix) + "/share/jupyter/kernels"
        } else if sysPrefix {
            guard let pythonPrefix = InstallCommand.pythonPrefix() else {
                throw ValidationError("cannot find the Python environment: activate it (VIRTUAL_ENV) or put python3 on PATH")
            }
            kernels = pythonPrefix + "/share/jupyter/kernels"
        } else {
            guard let data = Kernelspec.userDataDirectory() else {
                throw ValidationError("cannot find your Jupyter data directory: set HOME or JUPYTER_DATA_DIR")
            }
            kernels = data + "/kernels"
        }
        guard let binary = Kernelspec.currentExecutablePath() else {
            throw ValidationError("cannot find this morph binary's path (/proc/self/exe)")
        }
        do {
            // Start through morph-kernel when it was built beside this binary (it listens before morph loads).
            let directory = try Kernelspec.install(
                into: kernels, name: name, binaryPath: KernelLauncher.path(beside: binary) ?? binary,
                environment: BLAS.launchEnvironment())
            print("Installed kernelspec \(name) in \(directory)")
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) + "/" + path
    }

    /// $VIRTUAL_ENV, else `python3 -c 'import sys; print(sys.prefix)'`.
    static func pythonPrefix() -> String? {
        if let venv = Kernelspec.environment("VIRTUAL_ENV"), !venv.isEmpty { return venv }
        guard let pipe = popen("python3 -c 'import sys; print(sys.prefix)' 2>/dev/null", "r") else { return nil }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = fread(&chunk, 1, chunk.count, pipe)
            if n > 0 { output.append(contentsOf: chunk[0..<n]) }
            if n < chunk.count { break }
        }
        guard pclose(pipe) == 0 else { return nil }
        let text = String(decoding: output, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
        return text.isEmpty ? nil : text
    }
}
