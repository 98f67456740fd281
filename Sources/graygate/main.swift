import Glibc
import GraygateCore

/// The top-level help, shown for `graygate`, `graygate help` and `graygate --help`.
let overview = """
    graygate \(GraygateVersion.current): decide whether a gray (canary) release of a model is safe to widen.

    USAGE: graygate <command> [OPTIONS]

    COMMANDS:
      analyze    Judge a rollout stage from its JSON-lines logs and print a verdict.
      watch      Judge live logs as they arrive, with status lines, metrics and early exit.
      simulate   Write a deterministic synthetic log with an injected regression.
      summarize  Read one shard of logs into a summary file that merges with other shards.
      presets    List the mappings shipped for Envoy/Istio, ingress-nginx, LiteLLM, TGI and others.
      check-config
                 Validate a configuration file and show what it sets.
      help       Show help for a command: graygate help analyze.
      version    Print the version.

    See 'graygate <command> --help' for the options of each command.
    """

// A reader that closes the pipe early must not kill the process mid-report; writes then fail with EPIPE.
signal(SIGPIPE, SIG_IGN)

func runCommand(_ arguments: [String]) -> ExitCode {
    guard let command = arguments.first else {
        Terminal.writeStderr(overview + "\n")
        return .usage
    }
    let rest = Array(arguments.dropFirst())
    do {
        switch command {
        case "analyze":
            return try AnalyzeCommand.run(rest)
        case "watch":
            return try WatchCommand.run(rest)
        case "simulate":
            return try SimulateCommand.run(rest)
        case "check-config":
            return try CheckConfigCommand.run(rest)
        case "presets":
            return try PresetsCommand.run(rest)
        case "summarize":
            return try SummarizeCommand.run(rest)
        case "help", "--help", "-h":
            switch rest.first {
            case "analyze": try Terminal.writeStdout(AnalyzeCommand.help + "\n")
            case "watch": try Terminal.writeStdout(WatchCommand.help + "\n")
            case "simulate": try Terminal.writeStdout(SimulateCommand.help + "\n")
            case "check-config": try Terminal.writeStdout(CheckConfigCommand.help + "\n")
            case "presets": try Terminal.writeStdout(PresetsCommand.help + "\n")
            case "summarize": try Terminal.writeStdout(SummarizeCommand.help + "\n")
            case nil: try Terminal.writeStdout(overview + "\n")
            case let other?:
                throw UsageError(message: "unknown command '\(other)'; the commands are analyze, watch, summarize, simulate, presets, check-config, help and version", command: "")
            }
            return .pass
        case "version", "--version":
            let decoders = GzipDecoderChoice.available.map(\.rawValue).joined(separator: ", ")
            try Terminal.writeStdout("graygate \(GraygateVersion.current)\ngzip decoders: \(decoders) (auto uses \(GzipDecoderChoice.automatic.resolved.rawValue))\n")
            return .pass
        default:
            throw UsageError(message: "unknown command '\(command)'; the commands are analyze, watch, summarize, simulate, presets, check-config, help and version", command: "")
        }
    } catch let error as UsageError {
        let helpHint = error.command.isEmpty ? "graygate --help" : "graygate \(error.command) --help"
        Terminal.writeStderr("Error: \(error.message)\nSee '\(helpHint)'.\n")
        return .usage
    } catch let error as ConfigurationError {
        Terminal.writeStderr("Error: \(error)\n")
        return .configuration
    } catch let error as InputError {
        Terminal.writeStderr("Error: \(error)\n")
        if case .cannotOpen = error { return .noInput }
        return .ioError
    } catch let error as SummaryError {
        Terminal.writeStderr("Error: \(error)\n")
        return .dataError
    } catch let error as MetricsServerError {
        // The address parsed, but the server could not listen on it: taken, not on this machine, or not allowed.
        Terminal.writeStderr("Error: \(error)\n")
        return .ioError
    } catch let error as OutputError {
        Terminal.writeStderr("Error: \(error)\n")
        return .ioError
    } catch {
        Terminal.writeStderr("Error: \(error)\n")
        return .software
    }
}

exit(runCommand(Array(CommandLine.arguments.dropFirst())).rawValue)
