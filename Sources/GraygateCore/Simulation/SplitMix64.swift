/// SplitMix64, a 64-bit generator that turns one seed word into a well-mixed stream.
///
/// Its state advances by the odd constant 0x9E3779B97F4A7C15, and each output is that state run through a
/// bijective mixing function. graygate uses it only to expand a user's seed into the state of
/// `Xoshiro256StarStar`, the seeding method that xoshiro's authors recommend.
struct SplitMix64 {
    /// The counter, advanced once per output.
    private(set) var state: UInt64

    /// Creates a generator whose first output mixes `seed + 0x9E3779B97F4A7C15`.
    init(seed: UInt64) {
        state = seed
    }

    /// Advances the state and returns the next 64-bit output.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
