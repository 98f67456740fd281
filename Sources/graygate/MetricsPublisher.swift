import Foundation
import GraygateCore

/// Publishes a watch's metrics: served at `--metrics-listen`, written to `--metrics-file`, or both.
///
/// The watch loop renders the exposition after each look, and the server's thread only copies the latest
/// text, so a scrape never waits for a look and never reads a half-built one.
final class MetricsPublisher: @unchecked Sendable {
    private let lock = NSLock()
    private var exposition = "# graygate is starting; no look has been taken yet\n"
    private var server: MetricsServer?
    private let filePath: String?
    private var fileFailed = false

    init(_ parser: ArgumentParser, command: String) throws {
        filePath = parser.value("--metrics-file")
        let allowsRemote = parser.has("--metrics-allow-remote")
        guard let text = parser.value("--metrics-listen") else {
            if allowsRemote {
                throw UsageError(message: "--metrics-allow-remote needs --metrics-listen ADDRESS", command: command)
            }
            return
        }
        let address: ListenAddress
        do {
            address = try ListenAddress(parsing: text)
        } catch {
            throw UsageError(message: "invalid address '\(text)' for --metrics-listen: \(error)", command: command)
        }
        // The endpoint has no TLS and no authentication, so reaching it from other machines is a choice the
        // command line must state, not a side effect of a typed address.
        if !address.isLoopback {
            guard allowsRemote else {
                throw UsageError(
                    message: "--metrics-listen \(address) is not a loopback address, so other machines could read the "
                        + "metrics without authentication; add --metrics-allow-remote to serve them there anyway",
                    command: command)
            }
        }
        let errorLog: @Sendable (String) -> Void = { Terminal.writeStderr("graygate: \($0)\n") }
        let server = try MetricsServer(address: address, errorLog: errorLog) { [weak self] in self?.latest ?? "" }
        self.server = server
        if !address.isLoopback {
            // Printed once the server is up, so it names the port bound, also when port 0 asked for any.
            Terminal.writeStderr("graygate: notice: the metrics endpoint at \(server.boundAddress) is reachable from other "
                + "machines and has no authentication and no TLS; limit who can connect with a firewall or network policy\n")
        }
        Terminal.writeStderr("graygate: serving metrics at http://\(server.boundAddress)/metrics\n")
    }

    private var isPublishing: Bool { server != nil || filePath != nil }

    private var latest: String {
        lock.withLock { exposition }
    }

    /// Renders the look for scrapes, and writes the metrics file when `writesFile` or `final` is set.
    func publish(_ look: WatchLook, session: WatchSession, final: Bool, writesFile: Bool = false) {
        guard isPublishing else { return }
        let live = LiveMetrics(startTimeSeconds: session.startSeconds, lastLineTimeSeconds: session.lastLineSeconds,
                               windowSeconds: session.settings.windowSeconds, window: look.window,
                               intervalSeconds: session.settings.intervalSeconds)
        let text = PrometheusRenderer.render(look.report, live: live)
        lock.withLock { exposition = text }
        guard let filePath, writesFile || final else { return }
        do {
            try ReportOutputs.write(text, to: filePath)
            fileFailed = false
        } catch {
            // The watch goes on and retries at the next interval. The failure is reported once.
            if !fileFailed {
                Terminal.writeStderr("graygate: warning: cannot write --metrics-file: \(error)\n")
            }
            fileFailed = true
        }
    }

    func stop() {
        server?.stop()
    }
}
