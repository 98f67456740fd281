extension Preset {
    /// Hugging Face Text Generation Inference (TGI) router logs with `--json-output`.
    ///
    /// A request line is one logged inside a generate span (`span.name`): the router's `Success` message,
    /// whose span carries the request's timings as text with units (`"total_time":"2.15s"`,
    /// `"queue_time":"536µs"`), or an `ERROR` line for a failed request. Other lines (start-up, health
    /// checks) are not requests. The line names no cohort, so the cohort comes from the file:
    /// `graygate analyze --preset tgi --gray-log gray.log --normal-log stable.log`.
    ///
    /// NOTE: the field names follow the JSON that TGI's router writes through `tracing` with flattened
    /// events and the current span. Check them against a line of your version.
    static let textGenerationInference = Preset(
        name: "tgi",
        summary: "Hugging Face TGI JSON router logs; durations as text, cohort from --gray-log/--normal-log",
        configuration: """
            {
              "version": 1,
              "mapping": {
                "request": {
                  "path": "span.name",
                  "values": ["generate", "generate_stream", "chat_completions", "completions", "compat_generate"]
                },
                "cohort": {"path": "cohort"},
                "latency": {"path": "span.total_time"},
                "status": {"path": null},
                "error": {"path": "level", "not_errors": ["INFO", "DEBUG", "TRACE", "WARN"]},
                "timestamp": {"path": "timestamp"},
                "numeric_fields": [
                  {"name": "time_per_token_ms", "path": "span.time_per_token"},
                  {"name": "queue_time_ms", "path": "span.queue_time"}
                ],
                "categorical_fields": []
              }
            }
            """)
}
