extension Sequence where Element == Int {
    /// The sum of the elements, or nil when it overflows `Int`, as the counts of a crafted summary file can.
    var sumWithoutOverflow: Int? {
        var total = 0
        for value in self {
            let (sum, overflow) = total.addingReportingOverflow(value)
            guard !overflow else { return nil }
            total = sum
        }
        return total
    }
}
