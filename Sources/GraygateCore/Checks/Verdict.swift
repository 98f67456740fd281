/// The outcome of one check or of the whole run.
public enum Verdict: String, Sendable, CaseIterable, Comparable {
    /// No evidence that gray is worse than normal beyond the margins.
    case pass

    /// Evidence of a difference that is significant but within the margin, or beyond it but not significant.
    case warn

    /// Gray is worse than normal beyond the practical margin, and the difference is significant.
    case fail

    /// Too few requests to decide.
    case inconclusive

    /// The run cannot be trusted: the traffic split is broken or too many lines were rejected.
    case invalid

    /// The order of severity, used to pick the overall verdict.
    private var severity: Int {
        switch self {
        case .pass: return 0
        case .warn: return 1
        case .inconclusive: return 2
        case .fail: return 3
        case .invalid: return 4
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.severity < rhs.severity }
}
