import Foundation
import Testing

@testable import GraygateCore

@Suite("Jensen-Shannon distance")
struct JensenShannonDistanceTests {
    @Test("matches scipy vectors", arguments: ReferenceVectors.all)
    func matchesVector(_ vector: ReferenceVector) {
        let expected = vector.expected.at("comparison.label_js_distance")
        let counts = vector.labelCounts
        let distance = JensenShannonDistance.distance(grayCounts: counts.gray, normalCounts: counts.normal)
        guard expected["defined"].bool == true else {
            #expect(distance == nil)
            return
        }
        #expect(counts.labels == expected["labels"].array.compactMap(\.string))
        #expect(isClose(distance, expected["distance"].double))
    }

    @Test("known scipy values")
    func knownValues() {
        // scipy.spatial.distance.jensenshannon(p, q, base=2) with scipy 1.17.1.
        let halfMass = JensenShannonDistance.distance(grayCounts: [2, 0], normalCounts: [1, 1])
        let fourLabels = JensenShannonDistance.distance(grayCounts: [10, 20, 30, 0], normalCounts: [30, 20, 10, 5])
        #expect(isClose(halfMass, 0.5579230452841438))
        #expect(isClose(fourLabels, 0.40045247909506204))
    }

    @Test("disjoint labels give 1")
    func disjointLabels() {
        #expect(JensenShannonDistance.distance(grayCounts: [4, 0], normalCounts: [0, 9]) == 1)
    }

    @Test("proportional counts give 0")
    func proportionalCounts() {
        #expect(JensenShannonDistance.distance(grayCounts: [1, 2, 3], normalCounts: [2, 4, 6]) == 0)
    }

    @Test("empty cohort gives nil")
    func emptyCohort() {
        #expect(JensenShannonDistance.distance(grayCounts: [0, 0], normalCounts: [1, 2]) == nil)
        #expect(JensenShannonDistance.distance(grayCounts: [1, 2], normalCounts: [0, 0]) == nil)
    }
}
