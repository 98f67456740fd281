import Foundation
import Testing

@testable import GraygateCore

@Suite("Simulation parameters")
struct SimulationParametersTests {
    @Test("defaults are valid")
    func defaultsAreValid() throws {
        try SimulationParameters().validate()
        #expect(SimulationParameters.defaultStartTimeMilliseconds
                == Int64(ISO8601DateFormatter().date(from: "2026-12-04T08:00:00Z")!.timeIntervalSince1970 * 1000))
    }

    @Test("message names parameter, range and value")
    func messageFormat() {
        let parameters = SimulationParameters(grayShare: 1.5)
        #expect(throws: SimulationParameterError.self) { try parameters.validate() }
        do {
            try parameters.validate()
        } catch {
            #expect("\(error)" == "grayShare must be between 0 and 1, got 1.5")
        }
    }

    @Test("out-of-range values are rejected")
    func outOfRangeValues() {
        let cases: [(parameter: String, expectedMessage: String?, mutate: (inout SimulationParameters) -> Void)] = [
            ("requestCount", "requestCount must be at least 0, got -1", { $0.requestCount = -1 }),
            ("grayShare", "grayShare must be between 0 and 1, got -0.1", { $0.grayShare = -0.1 }),
            ("grayShare", "grayShare must be between 0 and 1, got nan", { $0.grayShare = .nan }),
            ("requestsPerSecond", "requestsPerSecond must be a finite number greater than 0, got 0",
             { $0.requestsPerSecond = 0 }),
            ("requestsPerSecond", nil, { $0.requestsPerSecond = .infinity }),
            ("startTimeMilliseconds", nil, { $0.startTimeMilliseconds = -1 }),
            ("startTimeMilliseconds", nil, { $0.startTimeMilliseconds = 253_402_300_800_000 }),
            ("latencyMedianMilliseconds", nil, { $0.latencyMedianMilliseconds = -3 }),
            ("latencySigma", "latencySigma must be between 0 and 5, got 6", { $0.latencySigma = 6 }),
            ("baseErrorRate", nil, { $0.baseErrorRate = 1.01 }),
            ("errorResponses", nil, { $0.errorResponses = [] }),
            ("errorResponses", "errorResponses must be HTTP error statuses from 400 to 599, got status 200",
             { $0.errorResponses = [ErrorResponseWeight(status: 200, message: "ok", weight: 1)] }),
            ("errorResponses", nil, { $0.errorResponses[0].weight = -1 }),
            ("errorResponses",
             "errorResponses must be entries with non-empty messages, got an empty message for status 500",
             { $0.errorResponses[0].message = "" }),
            ("labelWeights", nil, { $0.labelWeights = [] }),
            ("labelWeights", "labelWeights must be a table whose weights sum to more than 0, got weights that sum to 0",
             { $0.labelWeights = [LabelWeight(label: "a", weight: 0)] }),
            ("labelWeights", nil, { $0.labelWeights[1].weight = .infinity }),
            ("labelWeights", "labelWeights must be a table of distinct labels, got 'positive' twice",
             { $0.labelWeights[1].label = "positive" }),
            ("labelWeights", "labelWeights must be entries with non-empty labels, got an empty label",
             { $0.labelWeights[0].label = "" }),
            ("scoreAlpha", "scoreAlpha must be between 0.1 and 1000, got 0.05", { $0.scoreAlpha = 0.05 }),
            ("scoreBeta", nil, { $0.scoreBeta = 2000 }),
            ("latencyShift", "latencyShift must be a finite number greater than -1, got -1",
             { $0.latencyShift = -1 }),
            ("errorRateIncrease",
             "errorRateIncrease must be between -0.01 and 0.99 with baseErrorRate 0.01, got 1.5",
             { $0.errorRateIncrease = 1.5 }),
            ("errorRateIncrease", nil, { $0.errorRateIncrease = -0.02 }),
            ("drift", "drift must be between 0 and 1, got 1.2", { $0.drift = 1.2 }),
            ("grayVersion", "grayVersion must be a non-empty string, got ''", { $0.grayVersion = "" }),
            ("normalVersion", nil, { $0.normalVersion = "" }),
        ]

        for testCase in cases {
            var parameters = SimulationParameters()
            testCase.mutate(&parameters)
            do {
                try parameters.validate()
                Issue.record("no error for an invalid \(testCase.parameter)")
            } catch let error as SimulationParameterError {
                #expect(error.parameter == testCase.parameter, "\(error)")
                if let expectedMessage = testCase.expectedMessage {
                    #expect(error.description == expectedMessage)
                }
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test("boundary values are accepted")
    func boundaryValues() throws {
        try SimulationParameters(requestCount: 0, grayShare: 0).validate()
        try SimulationParameters(grayShare: 1, baseErrorRate: 0, errorRateIncrease: 1, drift: 1).validate()
        try SimulationParameters(latencySigma: 0, scoreAlpha: 0.1, scoreBeta: 1000, latencyShift: -0.99).validate()
        try SimulationParameters(baseErrorRate: 0.3, errorRateIncrease: -0.3).validate()
        try SimulationParameters(startTimeMilliseconds: 0).validate()
    }

    @Test("simulate rejects bad gzip settings before writing")
    func gzipSettings() {
        var written = 0
        let parameters = SimulationParameters(requestCount: 10)
        #expect(throws: SimulationParameterError.self) {
            try simulate(parameters, gzip: true, gzipMembers: 0) { written += $0.count }
        }
        #expect(throws: SimulationParameterError.self) {
            try simulate(parameters, gzip: false, gzipMembers: 3) { written += $0.count }
        }
        #expect(throws: SimulationParameterError.self) {
            try simulate(parameters, gzip: true, gzipLevel: 10) { written += $0.count }
        }
        #expect(throws: SimulationParameterError.self) {
            try simulate(SimulationParameters(drift: 2), gzip: true) { written += $0.count }
        }
        #expect(written == 0)
    }

    @Test("sink errors stop the output")
    func sinkErrors() {
        struct SinkFull: Error {}
        var calls = 0
        #expect(throws: SinkFull.self) {
            try simulate(SimulationParameters(requestCount: 100_000), gzip: false) { _ in
                calls += 1
                throw SinkFull()
            }
        }
        #expect(calls == 1)
    }
}
