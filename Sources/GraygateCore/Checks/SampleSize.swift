/// The minimum-sample rule shared by the checks.
enum SampleSize {
    /// Returns the inconclusive reason when either cohort has fewer than `minimum` samples, else nil.
    static func shortfall(gray: Int, normal: Int, minimum: Int, what: String) -> String? {
        var short: [String] = []
        if gray < minimum { short.append("gray has \(gray)") }
        if normal < minimum { short.append("normal has \(normal)") }
        guard !short.isEmpty else { return nil }
        return "Too few \(what): \(short.joined(separator: " and ")), below the minimum of \(minimum); "
            + "collect more traffic or lower checks.min_samples."
    }
}
