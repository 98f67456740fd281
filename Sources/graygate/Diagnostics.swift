import GraygateCore

/// Prints rejected lines and damaged inputs on standard error as the analysis meets them.
final class Diagnostics: AnalysisObserver {
    private let maxRejectedShown: Int
    private var rejectedSeen = 0

    init(maxRejectedShown: Int) {
        self.maxRejectedShown = maxRejectedShown
    }

    func rejected(_ line: RejectedLine) {
        rejectedSeen += 1
        if rejectedSeen <= maxRejectedShown {
            Terminal.writeStderr("graygate: rejected \(line.path):\(line.line): \(line.reason.description): \(line.detail)\n")
        }
    }

    func damaged(_ damage: InputDamage) {
        Terminal.writeStderr("graygate: warning: \(damage.message); the complete lines before it were read\n")
    }

    /// Prints how many rejected lines were not shown.
    func finish() {
        let hidden = rejectedSeen - maxRejectedShown
        if hidden > 0 {
            Terminal.writeStderr("graygate: \(hidden) more rejected lines not shown; the report counts them by reason\n")
        }
    }
}
