import GraygateCore

/// Prints rejected lines, damaged inputs and progress on standard error.
final class Diagnostics: AnalysisObserver {
    private let maxRejectedShown: Int
    private let progress: ProgressDisplay?
    private var rejectedShown = 0

    init(maxRejectedShown: Int, progress: ProgressDisplay?) {
        self.maxRejectedShown = maxRejectedShown
        self.progress = progress
    }

    func rejected(_ line: RejectedLine) {
        guard rejectedShown < maxRejectedShown else { return }
        rejectedShown += 1
        progress?.clear()
        Terminal.writeStderr("graygate: rejected \(line.path):\(line.line): \(line.reason.description): \(line.detail)\n")
    }

    func damaged(_ damage: InputDamage) {
        progress?.clear()
        switch damage.kind {
        case .corrupt:
            Terminal.writeStderr("graygate: warning: \(damage.message); lines decoded before it may be damaged, so the run is invalid\n")
        case .truncated, .trailingGarbage:
            Terminal.writeStderr("graygate: warning: \(damage.message); the complete lines before it were read\n")
        }
    }

    func progress(bytesRead: UInt64, linesRead: Int, currentInput: String) {
        progress?.update(bytesRead: bytesRead, linesRead: linesRead)
    }

    /// Clears the progress line and prints how many rejected lines were not shown.
    func finish(totalRejected: Int) {
        progress?.clear()
        let hidden = totalRejected - rejectedShown
        if hidden > 0 && maxRejectedShown > 0 {
            Terminal.writeStderr("graygate: \(hidden) more rejected lines not shown; the report counts them by reason\n")
        }
    }
}
