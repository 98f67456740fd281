/// A sum of doubles that is the same in every order of addition, so means agree to the last bit whether
/// a log is read by one worker, several workers or merged shards.
///
/// Each value is rounded to a multiple of 2⁻⁴⁴ and added as a 128-bit integer, and integer addition is
/// associative. Values below 2⁴⁰ in magnitude (about 1.1e12) fit: 2⁸⁴ each, so 2⁴³ of them stay below
/// 2¹²⁷. The rounding error is at most 2⁻⁴⁵ ≈ 2.8e-14 per value, far below any latency or score resolution.
///
/// NOTE: larger magnitudes go to a compensated floating-point sum instead, whose last bits can depend on the
/// order of addition. No latency or model output of a real log reaches 1.1e12.
struct FixedPointSum: Sendable, Equatable, Codable {
    private static let scale = 17_592_186_044_416.0  // 2^44
    private static let limit = 1_099_511_627_776.0  // 2^40

    private var fixed: Int128 = 0
    private var large = 0.0
    private var largeCompensation = 0.0

    @inline(__always)
    mutating func add(_ value: Double) {
        let scaled = (value * Self.scale).rounded(.toNearestOrEven)
        if abs(scaled) < 9.2e18 {
            // The common case fits an Int64, whose conversion is one instruction; Int128's is a slow
            // generic routine.
            fixed &+= Int128(Int64(scaled))
        } else if abs(value) < Self.limit {
            fixed &+= Int128(scaled)  // Cannot overflow: see the type's doc.
        } else {
            addLarge(value)
        }
    }

    mutating func merge(_ other: FixedPointSum) {
        fixed &+= other.fixed
        addLarge(other.large)
        addLarge(other.largeCompensation)
    }

    var value: Double {
        Double(fixed) / Self.scale + (large + largeCompensation)
    }

    /// Adds with Neumaier's compensation, which keeps the rounding error of the large part small.
    private mutating func addLarge(_ value: Double) {
        let total = large + value
        if abs(large) >= abs(value) {
            largeCompensation += (large - total) + value
        } else {
            largeCompensation += (value - total) + large
        }
        large = total
    }
}

extension FixedPointSum {
    private enum CodingKeys: String, CodingKey {
        case fixed, large, largeCompensation = "large_compensation"
    }

    /// Writes the 128-bit part as decimal text, since JSON numbers cannot carry it exactly.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(String(fixed), forKey: .fixed)
        try container.encode(large, forKey: .large)
        try container.encode(largeCompensation, forKey: .largeCompensation)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let text = try container.decode(String.self, forKey: .fixed)
        guard let value = Int128(text) else {
            throw DecodingError.dataCorruptedError(forKey: .fixed, in: container, debugDescription: "not an integer: '\(text)'")
        }
        fixed = value
        large = try container.decode(Double.self, forKey: .large)
        largeCompensation = try container.decode(Double.self, forKey: .largeCompensation)
    }
}
