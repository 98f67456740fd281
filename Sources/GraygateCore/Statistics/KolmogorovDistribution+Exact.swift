import Foundation

// MARK: - Exact CDF algorithms for small n·x²

extension KolmogorovDistribution {
    /// 2¹²⁸, the rescaling step that keeps intermediate products inside the `Double` range.
    private static let scaleUp = 0x1p128
    private static let scaleDown = 0x1p-128
    private static let scaleExponent = 128

    /// Returns P(Dₙ < x) by Durbin's matrix method in the form of Marsaglia, Tsang and Wang.
    ///
    /// With nx = k − h, k an integer and 0 ≤ h < 1, the CDF is n!/nⁿ times the central entry of Hⁿ for an
    /// m × m matrix H, m = 2k − 1. Powers are rescaled by 2¹²⁸ as they grow and the exponent kept apart.
    /// - Complexity: O(m³ log n).
    static func durbinMatrixCDF(_ x: Double, sampleSize n: Int) -> Double {
        if x >= 1 { return 1 }
        let nx = Double(n) * x
        if nx <= 0.5 { return 0 }

        let k = Int(nx.rounded(.up))
        let h = Double(k) - nx
        let m = 2 * k - 1

        // H[i][j] = 1/(i − j + 1)! on and below the superdiagonal; the first column and the last row
        // subtract the h-dependent corner pieces.
        var factorials = [1.0]  // reciprocal factorials 1/0!, 1/1!, …, 1/m!
        for j in 1...m {
            factorials.append(factorials[j - 1] / Double(j))
        }
        var edge = [Double](repeating: 0, count: m)
        for j in 1...m {
            edge[j - 1] = (1 - pow(h, Double(j))) * factorials[j]
        }
        let corner = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        edge[m - 1] = (1 + corner) * factorials[m]

        var matrix = SquareMatrix(size: m)
        for row in 0..<m {
            for column in 1..<m where row >= column - 1 {
                matrix[row, column] = factorials[row - column + 1]
            }
        }
        for row in 0..<m {
            matrix[row, 0] = edge[row]
        }
        for column in 0..<m {
            matrix[m - 1, column] = edge[m - 1 - column]
        }

        // Hⁿ by repeated squaring; both the running product and the square are rescaled.
        let center = k - 1
        var power = SquareMatrix.identity(size: m)
        var powerExponent = 0
        var square = matrix
        var squareExponent = 0
        var remaining = n
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = power.multiplied(by: square)
                powerExponent += squareExponent
                if abs(power[center, center]) > scaleUp {
                    power.scale(by: scaleDown)
                    powerExponent += scaleExponent
                }
            }
            remaining /= 2
            if remaining > 0 {
                square = square.multiplied(by: square)
                squareExponent *= 2
                if abs(square[center, center]) > scaleUp {
                    square.scale(by: scaleDown)
                    squareExponent += scaleExponent
                }
            }
        }

        var probability = power[center, center]
        let size = Double(n)
        for i in 1...n {
            probability = Double(i) * probability / size
            if abs(probability) < scaleDown {
                probability *= scaleUp
                powerExponent -= scaleExponent
            }
        }
        return clipped(scalbn(probability, powerExponent))
    }

    /// Returns P(Dₙ ≤ x) by Pomeranz's recursion.
    ///
    /// Each of the 2n + 1 rows convolves the previous one with truncated Poisson-like weights
    /// (g/n)ʲ/j!, (2g/n)ʲ/j! or ((1 − 2g)/n)ʲ/j!, where g is the distance of nx to the nearest integer. Only a
    /// band of about 2⌊nx⌋ + 2 entries per row can be non-zero. The CDF is n! times the last entry.
    /// - Complexity: O(n · (nx)²).
    static func pomeranzCDF(_ x: Double, sampleSize n: Int) -> Double {
        let t = Double(n) * x
        let whole = Int(t.rounded(.down))
        let fraction = t - Double(whole)
        let g = min(fraction, 1 - fraction)
        let ceilingStep = fraction > 0 ? 1 : 0
        let roundingStep = fraction > 0.5 ? 1 : 0
        let width = 2 * (whole + 1)

        let size = Double(n)
        var gPowers = [Double](repeating: 1, count: width)
        var twoGPowers = [Double](repeating: 1, count: width)
        var restPowers = [Double](repeating: 1, count: width)
        for j in 1..<width {
            gPowers[j] = gPowers[j - 1] * (g / size) / Double(j)
            twoGPowers[j] = twoGPowers[j - 1] * (2 * g / size) / Double(j)
            restPowers[j] = restPowers[j - 1] * ((1 - 2 * g) / size) / Double(j)
        }

        func band(row: Int) -> (first: Int, last: Int) {
            var first: Int
            var last: Int
            if row == 0 {
                first = -whole - ceilingStep - 1
                last = whole + ceilingStep - 1
            } else {
                let half = (row + 1) / 2
                if (row + 1) % 2 == 0 {
                    if half == n + 1 {
                        first = n - whole - ceilingStep - 1
                        last = n + whole + ceilingStep - 1
                    } else {
                        first = half - 1 - whole - roundingStep - 1
                        last = half + whole - 1 + ceilingStep - 1
                    }
                } else {
                    first = half - 1 - whole - 1
                    last = half + whole + roundingStep - 1
                }
            }
            return (max(first + 2, 0), min(last, n))
        }

        // Rows are stored from their own start index, `previousStart` and `currentStart`.
        var previous = [Double](repeating: 0, count: width)
        var current = [Double](repeating: 0, count: width)
        current[0] = 1
        var previousStart = 0
        var currentStart = 0
        var exponent = 0
        var (first, last) = band(row: 0)

        for row in 1...(2 * n + 1) {
            let previousFirst = first
            swap(&previous, &current)
            previousStart = currentStart
            for index in current.indices { current[index] = 0 }
            (first, last) = band(row: row)

            let weights: [Double]
            if row == 1 || row == 2 * n + 1 {
                weights = gPowers
            } else {
                weights = row % 2 == 1 ? twoGPowers : restPowers
            }

            let span = last - previousFirst + 1
            guard span > 0, last >= first else { continue }
            // current[r] is column first + r: Σ previous(column c) · weights[first + r − c] over the
            // columns c of the previous row's band.
            for r in 0...min(last - first, width - 1) {
                let column = first + r
                var sum = 0.0
                for offset in 0..<span {
                    let previousColumn = previousFirst + offset
                    let lag = column - previousColumn
                    guard lag >= 0, lag < span else { continue }
                    let previousIndex = previousColumn - previousStart
                    guard previousIndex >= 0, previousIndex < width else { continue }
                    sum += previous[previousIndex] * weights[lag]
                }
                current[r] = sum
            }
            currentStart = first

            let largest = current.max() ?? 0
            if largest > 0 && largest < scaleDown {
                for index in current.indices { current[index] *= scaleUp }
                exponent -= scaleExponent
            }
        }

        var probability = current[n - currentStart]
        for factor in 1...n {
            if abs(probability) > scaleUp {
                probability *= scaleDown
                exponent += scaleExponent
            }
            probability *= Double(factor)
        }
        return clipped(scalbn(probability, exponent))
    }
}

/// A dense square matrix of doubles in row-major order, for the small matrix powers above.
private struct SquareMatrix {
    let size: Int
    private var entries: [Double]

    init(size: Int) {
        self.size = size
        self.entries = [Double](repeating: 0, count: size * size)
    }

    static func identity(size: Int) -> SquareMatrix {
        var matrix = SquareMatrix(size: size)
        for index in 0..<size { matrix[index, index] = 1 }
        return matrix
    }

    subscript(row: Int, column: Int) -> Double {
        get { entries[row * size + column] }
        set { entries[row * size + column] = newValue }
    }

    func multiplied(by other: SquareMatrix) -> SquareMatrix {
        var product = SquareMatrix(size: size)
        for row in 0..<size {
            for middle in 0..<size {
                let left = entries[row * size + middle]
                if left == 0 { continue }
                for column in 0..<size {
                    product.entries[row * size + column] += left * other.entries[middle * size + column]
                }
            }
        }
        return product
    }

    mutating func scale(by factor: Double) {
        for index in entries.indices { entries[index] *= factor }
    }
}
