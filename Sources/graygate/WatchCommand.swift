import Foundation
import GraygateCore
import Synchronization

/// `graygate watch`: live verdicts from logs as they are written.
enum WatchCommand {
    static let help = """
        USAGE: graygate watch [OPTIONS] [FILE | -]
               graygate watch [OPTIONS] --follow FILE

        Reads JSON-lines request logs as they arrive, from standard input (kubectl logs -f, stern, tail -F)
        or a followed file, and judges the gray (canary) cohort against the normal cohort as it goes.
        Every interval it prints one status line; at the end of input, on SIGINT or SIGTERM, or when
        --exit-on decides, it prints the full report of 'graygate analyze' and exits with its status.

        The latency and error-rate checks use anytime-valid sequential tests (mixture SPRT): looking
        at every interval keeps the chance of failing a healthy release at --alpha, however long the
        watch runs. Input may be plain or gzip, and wrapped by a container runtime, as for analyze.

        OPTIONS:
          -c, --config FILE            JSON configuration, as for analyze; flags below override it.
              --preset NAME            Start from a shipped mapping, as for analyze.
              --follow FILE            Follow FILE as 'tail -F' does: from its start, then each line
                                       appended, across rotation and truncation.
              --interval DURATION      Time between status lines and metrics files (default: 10s).
              --window DURATION        Also show a sliding window of this length, such as 15m.
              --window-clock CLOCK     arrival (when lines arrive) or log (each line's timestamp at
                                       mapping.timestamp, for replayed or delayed logs) (default: arrival).
              --exit-on CONDITION      never, fail (stop as soon as latency or error_rate fails, for
                                       automatic rollback) or decision (also stop on a confident pass)
                                       (default: never).
              --min-duration DURATION  Time watched before --exit-on decision may stop on a pass
                                       (default: 5m).
              --metrics-listen ADDRESS Serve Prometheus metrics at http://ADDRESS/metrics and a health
                                       check at /healthz; ADDRESS is HOST:PORT, and ':9464' means
                                       127.0.0.1:9464. The endpoint has no authentication.
              --metrics-allow-remote   Allow a --metrics-listen address other than loopback, such as
                                       0.0.0.0:9464; without it such an address is a usage error.
              --metrics-file FILE      Rewrite FILE with the metrics every interval, atomically, for
                                       node_exporter's textfile collector.
              --json FILE              Write the final report as JSON ('-': standard output).
              --junit FILE             Write the final report as JUnit XML.
              --markdown FILE          Write the final report as Markdown.
              --prometheus FILE        Write the final metrics in the Prometheus text format.
              --fail-on warn           Exit with status 1 on a final warn verdict too.
              --expected-gray-share X  Share of traffic routed to gray; enables the traffic-split check.
              --cohort-path PATH, --gray VALUES, --normal VALUES, --latency-path PATH,
              --latency-unit UNIT, --status-path PATH, --error-status CODES, --error-path PATH,
              --alpha X, --min-samples N, --max-rejected-share X, --gzip-decoder NAME,
              --wrapper NAME           As for analyze.
              --show-rejected N        Rejected lines to print on standard error (default: 5).
          -q, --quiet                  Print no status lines and no final text report.
              --no-color               Never color the final text report.
          -h, --help                   Show this help.

        EXIT STATUS:
          As for analyze: 0 pass or warn, 1 fail, 2 inconclusive, 3 invalid, 64 usage error,
          66 input not found, 74 read or write error (also, at the start, a --metrics-listen address
          that is taken or a report or metrics file that cannot be written), 78 invalid configuration.

        EXAMPLES:
          kubectl logs -f deploy/model --all-containers | graygate watch --window 15m
          graygate watch --follow /var/log/model/access.log --metrics-listen :9464
          graygate watch --follow /var/log/model/access.log --metrics-listen 0.0.0.0:9464 --metrics-allow-remote
          graygate simulate --realtime --rate 200/s --error-increase 0.03 | graygate watch --exit-on fail
        """

    static let options: [ArgumentParser.Option] = AnalyzeCommand.readingOptions + [
        .init(names: ["--follow"], takesValue: true),
        .init(names: ["--interval"], takesValue: true),
        .init(names: ["--window"], takesValue: true),
        .init(names: ["--window-clock"], takesValue: true),
        .init(names: ["--exit-on"], takesValue: true),
        .init(names: ["--min-duration"], takesValue: true),
        .init(names: ["--metrics-listen"], takesValue: true),
        .init(names: ["--metrics-allow-remote"], takesValue: false),
        .init(names: ["--metrics-file"], takesValue: true),
        .init(names: ["--json"], takesValue: true),
        .init(names: ["--junit"], takesValue: true),
        .init(names: ["--markdown"], takesValue: true),
        .init(names: ["--prometheus"], takesValue: true),
    ] + AnalyzeCommand.judgingOptions

    static func run(_ arguments: [String]) throws -> ExitCode {
        var parser = ArgumentParser(command: "watch", options: options)
        try parser.parse(arguments)
        if parser.has("--help") {
            try Terminal.writeStdout(help + "\n")
            return .pass
        }

        let failOnWarn = try ReportOutputs.failOnWarn(parser, command: "watch")
        let outputs = try ReportOutputs(parser, command: "watch")
        // A watch may run for hours, and a rollback keys on its exit status, so a report file that cannot
        // be written is an error now, not after the verdict.
        try outputs.checkDestinations()
        if let path = parser.value("--metrics-file") {
            try ReportOutputs.checkDestination(path)
        }
        let settings = try watchSettings(parser)
        let (analysis, showRejected) = try AnalyzeCommand.configuredAnalysis(parser, command: "watch")
        let configuration = analysis.configuration
        if settings.windowClock == .log && configuration.mapping.timestampPath == nil {
            throw UsageError(message: "--window-clock log needs a timestamp field; set mapping.timestamp.path", command: "watch")
        }

        if parser.has("--gray-log") || parser.has("--normal-log") {
            throw UsageError(message: "watch reads one input, so --gray-log and --normal-log do not apply; use them with analyze or summarize",
                             command: "watch")
        }
        let input = try openInput(parser)
        var sessionSettings = settings
        sessionSettings.gzipDecoder = analysis.gzipDecoder
        sessionSettings.maxRejectedExamples = max(sessionSettings.maxRejectedExamples, showRejected)
        let session = WatchSession(configuration: configuration, settings: sessionSettings, inputName: input.name,
                                   startSeconds: WallClock.now())
        var rejectedShown = 0
        session.onRejected = { line in
            guard rejectedShown < showRejected else { return }
            rejectedShown += 1
            Terminal.writeStderr("graygate: rejected \(line.path):\(line.line): \(line.reason.description): \(line.detail)\n")
        }
        if let followed = input as? FollowedFile {
            followed.onNotice = { Terminal.writeStderr("graygate: \($0)\n") }
            followed.onRestart = { session.beginNewStream(at: WallClock.now()) }
        }

        let publisher = try MetricsPublisher(parser, command: "watch")
        StopSignals.install()
        let look = try watch(session, input: input, settings: settings, quiet: parser.has("--quiet"), publisher: publisher)
        publisher.publish(look, session: session, final: true)
        publisher.stop()

        if let damage = session.damage {
            Terminal.writeStderr("graygate: warning: \(damage.message); the input ended there\n")
        }
        if session.linesRead > 0 && look.report.input.rejectedLines > rejectedShown && rejectedShown > 0 {
            Terminal.writeStderr("graygate: \(look.report.input.rejectedLines - rejectedShown) more rejected lines not shown; the report counts them by reason\n")
        }
        try outputs.write(look.report, failOnWarn: failOnWarn, quiet: parser.has("--quiet"),
                          usesColor: !parser.has("--no-color") && Terminal.stdoutWantsColor, tolerateClosedStdout: true)
        return ExitCode(verdict: look.report.verdict, failOnWarn: failOnWarn)
    }

    // MARK: - The watch loop

    /// Reads until the input ends, a signal arrives or the exit condition holds, and returns the last look.
    ///
    /// The evidence is looked at every second, so counts and metrics trail the input by at most a second
    /// and `--exit-on fail` reacts within one. Status lines and metrics files follow the interval.
    private static func watch(_ session: WatchSession, input: any LiveInput, settings: WatchSettings, quiet: Bool,
                              publisher: MetricsPublisher) throws -> WatchLook {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        let lookInterval = min(1, settings.intervalSeconds)
        var nextLook = session.startSeconds + lookInterval
        var nextStatus = session.startSeconds + settings.intervalSeconds
        var linesAtLastStatus = 0

        while !StopSignals.isRequested {
            let now = WallClock.now()
            if now >= nextLook {
                let look = session.look(at: now)
                nextLook = now + lookInterval
                if now >= nextStatus {
                    nextStatus += settings.intervalSeconds * max(1, ((now - nextStatus) / settings.intervalSeconds).rounded(.up))
                    if !quiet {
                        // A closed standard output must not end the watch: the verdict and metrics still matter.
                        try? Terminal.writeStdout(StatusLineRenderer.render(look, newLines: session.linesRead - linesAtLastStatus) + "\n")
                    }
                    linesAtLastStatus = session.linesRead
                    publisher.publish(look, session: session, final: false, writesFile: true)
                } else {
                    publisher.publish(look, session: session, final: false, writesFile: false)
                }
                if let stop = look.stop {
                    Terminal.writeStderr("graygate: \(describe(stop)); stopping (--exit-on \(settings.exitCondition.rawValue))\n")
                    return look
                }
            }

            switch try input.read(into: buffer, timeout: max(0.01, min(nextLook - now, 0.25))) {
            case .bytes(let count):
                session.consume(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), at: WallClock.now())
                if session.damage != nil {
                    session.finish(at: WallClock.now())
                    return session.look(at: WallClock.now())
                }
            case .idle:
                continue
            case .end:
                session.finish(at: WallClock.now())
                return session.look(at: WallClock.now())
            }
        }
        Terminal.writeStderr("graygate: \(StopSignals.name) received; printing the report of the lines read so far\n")
        session.finish(at: WallClock.now())
        return session.look(at: WallClock.now())
    }

    private static func describe(_ stop: WatchLook.StopReason) -> String {
        switch stop {
        case .failed(let checks): return "\(checks.joined(separator: " and ")) failed with always-valid confidence"
        case .passed(let checks): return "\(checks.joined(separator: " and ")) passed with always-valid confidence"
        }
    }

    // MARK: - Options

    private static func openInput(_ parser: ArgumentParser) throws -> any LiveInput {
        if let path = parser.value("--follow") {
            guard parser.positionals.isEmpty else {
                throw UsageError(message: "give either --follow FILE or an input, not both", command: "watch")
            }
            return try FollowedFile(path: path)
        }
        guard parser.positionals.count <= 1 else {
            throw UsageError(message: "watch reads one input; to judge several files, use 'graygate analyze'", command: "watch")
        }
        return try StreamInput(path: parser.positionals.first ?? "-")
    }

    private static func watchSettings(_ parser: ArgumentParser) throws -> WatchSettings {
        var settings = WatchSettings()
        if let text = parser.value("--interval") {
            settings.intervalSeconds = try DurationArgument.seconds(text, flag: "--interval", command: "watch")
        }
        if let text = parser.value("--window") {
            let seconds = try DurationArgument.seconds(text, flag: "--window", command: "watch")
            guard seconds >= settings.intervalSeconds else {
                throw UsageError(message: "--window \(text) is shorter than the interval; the window is made of whole intervals", command: "watch")
            }
            settings.windowSeconds = seconds
        }
        if let name = parser.value("--window-clock") {
            guard let clock = WatchSettings.WindowClock(rawValue: name) else {
                throw UsageError(message: "invalid value '\(name)' for --window-clock: expected arrival or log", command: "watch")
            }
            guard settings.windowSeconds != nil else {
                throw UsageError(message: "--window-clock needs --window: it places lines in the sliding window", command: "watch")
            }
            settings.windowClock = clock
        }
        if let name = parser.value("--exit-on") {
            guard let condition = WatchSettings.ExitCondition(rawValue: name) else {
                throw UsageError(message: "invalid value '\(name)' for --exit-on: expected never, fail or decision", command: "watch")
            }
            settings.exitCondition = condition
        }
        if let text = parser.value("--min-duration") {
            settings.minimumDecisionSeconds = try DurationArgument.seconds(text, flag: "--min-duration", command: "watch")
        }
        return settings
    }
}

/// SIGINT and SIGTERM end a watch with its report; a second signal ends it at once.
enum StopSignals {
    private static let received = Atomic<Int32>(0)

    static var isRequested: Bool { received.load(ordering: .relaxed) != 0 }

    static var name: String { received.load(ordering: .relaxed) == SIGTERM ? "SIGTERM" : "SIGINT" }

    static func install() {
        // A parent may have blocked these signals, and children inherit the mask, so unblock them here.
        var stopSet = sigset_t()
        sigemptyset(&stopSet)
        sigaddset(&stopSet, SIGINT)
        sigaddset(&stopSet, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSet, nil)

        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { number in
                if StopSignals.received.exchange(number, ordering: .relaxed) != 0 {
                    _exit(128 + number)
                }
            }
        }
    }
}

/// Unix time in seconds.
enum WallClock {
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
