import Foundation

/// xoshiro256**, the seeded generator behind every random draw of `graygate simulate`.
///
/// The generator has 256 bits of state and a period of 2^256 − 1, and its authors report that it passes
/// BigCrush. Its output is a pure function of the seed, made only of integer operations, so the same seed
/// gives the same bits on every run and machine.
///
/// The type deliberately does not conform to `RandomNumberGenerator`: the standard library's
/// `random(in:using:)` algorithms may change between Swift releases, which would silently change
/// generated logs. Every transformation from raw bits to a distribution lives in this project instead.
struct Xoshiro256StarStar {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// The second normal deviate of the last polar-method pair, served by the next `nextNormal()` call.
    private var spareNormal: Double?

    /// Creates a generator whose state is four consecutive outputs of `SplitMix64(seed:)`.
    ///
    /// The state can never be all zero, the one state xoshiro must avoid, because SplitMix64's output
    /// function is a bijection on distinct counters, so at most one of the four words is zero.
    init(seed: UInt64) {
        var seeder = SplitMix64(seed: seed)
        s0 = seeder.next()
        s1 = seeder.next()
        s2 = seeder.next()
        s3 = seeder.next()
    }

    /// Creates a generator from raw state words, for checking against the reference outputs.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// Advances the state and returns the next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, by: 7) &* 9
        let shifted = s1 << 17

        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= shifted
        s3 = rotateLeft(s3, by: 45)

        return result
    }

    /// Returns a uniform double in [0, 1) on the grid of multiples of 2^-53.
    @inline(__always)
    mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Returns a uniform double in (0, 1): the midpoints of the 2^53 grid cells, so `log` of it is finite.
    @inline(__always)
    mutating func nextOpenUniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Returns a standard normal deviate by Marsaglia's polar method.
    ///
    /// Each accepted pair of uniforms yields two independent deviates, and the second is kept for the next
    /// call. A pair is accepted with probability π/4.
    @inline(__always)
    mutating func nextNormal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }

        var u: Double
        var v: Double
        var radiusSquared: Double
        repeat {
            u = 2 * nextUniform() - 1
            v = 2 * nextUniform() - 1
            radiusSquared = u * u + v * v
        } while radiusSquared >= 1 || radiusSquared == 0

        let factor = (-2 * log(radiusSquared) / radiusSquared).squareRoot()
        spareNormal = v * factor
        return u * factor
    }
}

@inline(__always)
private func rotateLeft(_ value: UInt64, by count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
}
