@testable import GraygateCore

extension ReferenceVector {
    /// Labels present in either cohort, sorted, with each cohort's count per label. Requests without a label
    /// are skipped.
    var labelCounts: (labels: [String], gray: [Int], normal: [Int]) {
        let grayCounts = Dictionary(gray.label.compactMap { $0 }.map { ($0, 1) }, uniquingKeysWith: +)
        let normalCounts = Dictionary(normal.label.compactMap { $0 }.map { ($0, 1) }, uniquingKeysWith: +)
        let labels = Set(grayCounts.keys).union(normalCounts.keys).sorted()
        return (labels, labels.map { grayCounts[$0] ?? 0 }, labels.map { normalCounts[$0] ?? 0 })
    }
}

/// Returns whether a p-value matches its reference: relatively within 1e-6 where the reference is above
/// 1e-300, or through log₁₀ within 1e-6 where the reference underflowed.
func isClosePValue(_ actual: Double, log10Actual: Double?, expected: JSONValue, log10Expected: JSONValue) -> Bool {
    guard let expectedValue = expected.double else { return false }
    if expectedValue > 1e-300 {
        return isClose(actual, expectedValue, relative: 1e-6, absolute: 0)
    }
    guard let log10Actual, let log10Value = log10Expected.double else { return actual == expectedValue }
    return abs(log10Actual - log10Value) <= 1e-6
}
