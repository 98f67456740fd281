/// A ready mapping for the logs of a component teams already run, shipped inside graygate.
///
/// Each preset is a configuration file in graygate's own format, so `graygate presets show NAME`
/// prints a starting point to copy and refine, and a configuration file can name it with `"preset"`.
public struct Preset: Sendable {
    public let name: String

    /// One line on what the preset reads.
    public let summary: String

    /// The configuration, as JSON text.
    public let configuration: String

    public static let all: [Preset] = [envoy, ingressNginx, liteLLM, textGenerationInference, kserve, seldon]

    public static func named(_ name: String) -> Preset? {
        all.first { $0.name == name }
    }
}
