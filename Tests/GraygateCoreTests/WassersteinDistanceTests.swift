import Testing

@testable import GraygateCore

@Suite("Wasserstein distance")
struct WassersteinDistanceTests {
    @Test("matches scipy", arguments: ReferenceVectors.all)
    func matchesScipy(vector: ReferenceVector) {
        let expected = vector.expected.at("comparison.score_wasserstein")
        let distance = WassersteinDistance.distance(vector.gray.scoreSample, vector.normal.scoreSample)
        guard expected["defined"].bool == true else {
            #expect(distance == nil)
            return
        }
        #expect(isClose(distance, expected["distance"].double))
    }

    @Test("shifted sample moves by the shift")
    func shift() throws {
        let normal = WeightedSample(sortedValues: [1, 2, 4], counts: [2, 5, 3])
        let gray = WeightedSample(sortedValues: [1.5, 2.5, 4.5], counts: [2, 5, 3])
        let distance = try #require(WassersteinDistance.distance(gray, normal))
        #expect(isClose(distance, 0.5, relative: 1e-15))
    }

    @Test("weighted equals expanded")
    func weightedEqualsExpanded() {
        // scipy.stats.wasserstein_distance([0, 0, 0, 3], [1, 1]) = 0.75·1 + 0.25·2 = 1.25.
        let gray = WeightedSample(sortedValues: [0, 3], counts: [3, 1])
        let normal = WeightedSample(sortedValues: [1], counts: [2])
        #expect(WassersteinDistance.distance(gray, normal) == 1.25)
        #expect(WassersteinDistance.distance(normal, gray) == 1.25)
    }

    @Test("identical samples give 0")
    func identicalSamples() {
        let sample = WeightedSample(sortedValues: [0.25, 0.5], counts: [7, 1])
        #expect(WassersteinDistance.distance(sample, sample) == 0)
    }

    @Test("empty sample gives nil")
    func emptySample() {
        let sample = WeightedSample(observations: [0.5])
        #expect(WassersteinDistance.distance(.empty, sample) == nil)
        #expect(WassersteinDistance.distance(sample, .empty) == nil)
    }
}
