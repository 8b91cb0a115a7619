import ArgumentParser
import MorphEngine

@main
struct Morph: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "morph",
        abstract: "A Jupyter kernel for the CATSMILE-9015 autoencoder/Jacobian experiments.",
        subcommands: [KernelCommand.self, InstallCommand.self, RunCommand.self]
    )

    static func main() {
        BLAS.ensureLaunchEnvironment()
        Morph.main(nil)
    }
}
