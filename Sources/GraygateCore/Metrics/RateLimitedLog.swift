import Synchronization

/// A log sink that passes at most `maxMessages` messages per window and counts the rest.
///
/// A client that opens connections in a loop can make libmicrohttpd log a message for each one, so the
/// server's messages go through this limit. When a message arrives after a window with suppressed
/// messages, a line with their count goes out first.
final class RateLimitedLog: Sendable {
    private struct Window {
        var start: Double
        var written = 0
        var suppressed = 0
    }

    private let sink: @Sendable (String) -> Void
    private let maxMessages: Int
    private let windowSeconds: Double
    private let clock: @Sendable () -> Double
    private let window: Mutex<Window>

    init(
        maxMessages: Int = 10, windowSeconds: Double = 60, clock: @escaping @Sendable () -> Double = monotonicSeconds,
        sink: @escaping @Sendable (String) -> Void
    ) {
        self.sink = sink
        self.maxMessages = maxMessages
        self.windowSeconds = windowSeconds
        self.clock = clock
        window = Mutex(Window(start: clock()))
    }

    func write(_ message: String) {
        let now = clock()
        let lines: [String] = window.withLock { window in
            var lines: [String] = []
            if now - window.start >= windowSeconds {
                if window.suppressed > 0 {
                    lines.append(
                        "\(window.suppressed) messages suppressed: at most \(maxMessages) are logged per "
                            + "\(Int(windowSeconds)) seconds")
                }
                window = Window(start: now)
            }
            if window.written < maxMessages {
                window.written += 1
                lines.append(message)
            } else {
                window.suppressed += 1
            }
            return lines
        }
        for line in lines {
            sink(line)
        }
    }
}
