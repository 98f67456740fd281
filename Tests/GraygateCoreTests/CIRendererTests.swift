import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@testable import GraygateCore

/// Counts JUnit elements and collects attributes while parsing, to check the XML is well formed.
final class JUnitReader: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var suiteAttributes: [String: String] = [:]
    var failureTypes: [String] = []
    var testCaseNames: [String] = []

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        if name == "testsuites" { suiteAttributes = attributes }
        if name == "failure" { failureTypes.append(attributes["type"] ?? "") }
        if name == "testcase" { testCaseNames.append(attributes["name"] ?? "") }
    }
}

@Suite("CI renderers")
struct CIRendererTests {
    static func report(_ fixture: String, config: String? = nil) throws -> Report {
        let configuration = try config.map(FixtureTests.configuration) ?? Configuration()
        return try FixtureTests.analyze(fixture, configuration: configuration)
    }

    static func parse(_ xml: String) throws -> JUnitReader {
        let reader = JUnitReader()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = reader
        #expect(parser.parse(), "JUnit XML is not well formed: \(parser.parserError.map { "\($0)" } ?? "")")
        return reader
    }

    @Test("JUnit marks the failing check")
    func junitFailure() throws {
        let reader = try Self.parse(JUnitReportRenderer.render(try Self.report("error-regression.jsonl.gz")))
        #expect(reader.elements["testcase"] == 5)
        #expect(reader.elements["failure"] == 1)
        #expect(reader.failureTypes == ["fail"])
        #expect(reader.suiteAttributes["tests"] == "5")
        #expect(reader.suiteAttributes["failures"] == "1")
        #expect(reader.testCaseNames == ["latency", "error_rate", "drift.score", "drift.label", "input_quality"])
    }

    @Test("JUnit reports invalid runs as errors and inconclusive as skipped")
    func junitErrorsAndSkips() throws {
        let invalid = try Self.parse(JUnitReportRenderer.render(try Self.report("broken-split.jsonl.gz", config: "broken-split.config.json")))
        #expect(invalid.elements["error"] == 1)
        #expect(invalid.suiteAttributes["errors"] == "1")
        let inconclusive = try Self.parse(JUnitReportRenderer.render(try Self.report("too-few-gray.jsonl.gz")))
        #expect((inconclusive.elements["skipped"] ?? 0) >= 1)
        #expect(inconclusive.elements["failure"] == nil)
    }

    @Test("JUnit escapes text")
    func junitEscapes() throws {
        #expect(JUnitReportRenderer.escape("a<b & 'c' \"d\" \u{01}") == "a&lt;b &amp; &apos;c&apos; &quot;d&quot; \u{FFFD}")
    }

    @Test("Markdown has a row per check")
    func markdownRows() throws {
        let markdown = MarkdownReportRenderer.render(try Self.report("latency-regression.jsonl.gz"))
        #expect(markdown.hasPrefix("### graygate: ❌ FAIL\n"))
        #expect(markdown.contains("| `latency` | ❌ fail | shift +24.1% |"))
        #expect(markdown.components(separatedBy: "\n| `").count - 1 == 5)
        #expect(markdown.contains("Lines read: 10000 = 10000 accepted + 0 rejected + 0 blank."))
    }

    @Test("annotations for failing checks")
    func annotations() throws {
        let text = GitHubAnnotationRenderer.render(try Self.report("error-regression.jsonl.gz"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("::error title=graygate error_rate%3A fail::Gray fails more often: gray 3.88%25") == true)
        #expect(GitHubAnnotationRenderer.render(try Self.report("healthy.jsonl.gz")).isEmpty)
    }
}
