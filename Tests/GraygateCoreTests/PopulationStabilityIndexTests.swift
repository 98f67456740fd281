import Foundation
import Testing

@testable import GraygateCore

@Suite("Population stability index")
struct PopulationStabilityIndexTests {
    @Test("matches numpy bins", arguments: ReferenceVectors.all)
    func matchesNumpy(vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.score_psi")
        let index = PopulationStabilityIndex(gray: vector.gray.scoreSample, normal: vector.normal.scoreSample)
        guard expected["defined"].bool == true else {
            #expect(index == nil)
            return
        }
        let result = try #require(index)

        #expect(result.edges == expected["edges"].array.map(\.double))
        #expect(result.grayCounts == expected["gray_counts"].array.map(\.int))
        #expect(result.normalCounts == expected["normal_counts"].array.map(\.int))
        let terms = expected["terms"].array.map(\.double)
        #expect(result.terms.count == terms.count)
        for (actual, reference) in zip(result.terms, terms) {
            #expect(isClose(actual, reference))
        }
        #expect(isClose(result.value, expected["psi"].double))
    }

    @Test("constant samples by hand")
    func constantSamples() throws {
        // All-0.7 against all-0.5: every edge is 0.5, so gray fills the last bin and normal the first.
        // Those two bins add (1 − ε) ln(1/ε) each and the other eight are empty in both.
        let gray = WeightedSample(sortedValues: [0.7], counts: [40])
        let normal = WeightedSample(sortedValues: [0.5], counts: [60])
        let result = try #require(PopulationStabilityIndex(gray: gray, normal: normal))
        let epsilon = 1e-4
        #expect(result.edges == Array(repeating: 0.5, count: 9))
        #expect(result.grayCounts == [0, 0, 0, 0, 0, 0, 0, 0, 0, 40])
        #expect(result.normalCounts == [60, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(isClose(result.value, 2 * (1 - epsilon) * log(1 / epsilon)))
    }

    @Test("value on an edge falls left")
    func rightClosedBins() throws {
        // With two bins the one edge is the normal median, 2. The gray value 2 belongs to (−∞, 2].
        let gray = WeightedSample(sortedValues: [2, 5], counts: [3, 1])
        let normal = WeightedSample(sortedValues: [1, 2, 3], counts: [1, 1, 1])
        let result = try #require(PopulationStabilityIndex(gray: gray, normal: normal, binCount: 2))
        #expect(result.edges == [2])
        #expect(result.grayCounts == [3, 1])
        #expect(result.normalCounts == [2, 1])
    }

    @Test("identical samples give 0")
    func identicalSamples() throws {
        let sample = WeightedSample(sortedValues: [0.1, 0.2, 0.35, 0.9], counts: [4, 9, 1, 6])
        let result = try #require(PopulationStabilityIndex(gray: sample, normal: sample))
        #expect(result.value == 0)
    }

    @Test("empty sample gives nil")
    func emptySample() {
        let sample = WeightedSample(observations: [0.5])
        #expect(PopulationStabilityIndex(gray: .empty, normal: sample) == nil)
        #expect(PopulationStabilityIndex(gray: sample, normal: .empty) == nil)
    }
}
