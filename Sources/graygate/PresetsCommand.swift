import Foundation
import GraygateCore

/// `graygate presets`: list the shipped mappings for common log shapes, or print one.
enum PresetsCommand {
    static let help = """
        USAGE: graygate presets
               graygate presets show NAME

        Lists the presets: mappings shipped with graygate for the logs of common components. Use one with
        '--preset NAME' on analyze, summarize or watch, or with "preset": "NAME" in a configuration file,
        whose own keys then refine it. 'show' prints a preset's configuration, to copy and adapt.

        EXAMPLES:
          graygate presets show envoy > mesh.json
          graygate analyze --preset envoy --gray v2 --normal v1 istio-proxy.log
          graygate analyze --preset tgi --gray-log tgi-canary.log --normal-log tgi-stable.log
        """

    static func run(_ arguments: [String]) throws -> ExitCode {
        switch arguments.first {
        case nil:
            let width = Preset.all.map(\.name.count).max() ?? 0
            let lines = Preset.all.map { $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
            try Terminal.writeStdout(lines.joined(separator: "\n") + "\n")
            return .pass
        case "--help", "-h":
            try Terminal.writeStdout(help + "\n")
            return .pass
        case "show":
            guard arguments.count == 2 else {
                throw UsageError(message: "presets show needs one preset name", command: "presets")
            }
            guard let preset = Preset.named(arguments[1]) else {
                throw UsageError(message: "unknown preset '\(arguments[1])'; the presets are \(Preset.all.map(\.name).joined(separator: ", "))",
                                 command: "presets")
            }
            try Terminal.writeStdout(preset.configuration + "\n")
            return .pass
        case let other?:
            throw UsageError(message: "unknown argument '\(other)'; use 'graygate presets' or 'graygate presets show NAME'",
                             command: "presets")
        }
    }
}
