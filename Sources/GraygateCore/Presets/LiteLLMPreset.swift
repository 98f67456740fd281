extension Preset {
    /// LiteLLM's standard logging payload, one JSON object per call, as its logging callbacks write it.
    ///
    /// The cohort is the `model` a call was routed to: list the canary deployment's model names with
    /// `--gray` and the stable ones with `--normal`. Latency is `endTime − startTime` (epoch seconds). A
    /// call is an error when `status` is not `success`; `error_information.error_code` (a string such as
    /// `"429"`) is read as the status. `finish_reason` and the completion length are compared for drift.
    static let liteLLM = Preset(
        name: "litellm",
        summary: "LiteLLM standard logging payload; cohort from model, latency endTime - startTime",
        configuration: """
            {
              "version": 1,
              "mapping": {
                "cohort": {"path": "model", "gray": ["canary"], "normal": ["stable"]},
                "latency": {"start": "startTime", "end": "endTime"},
                "status": {"path": "error_information.error_code", "error_codes": ["429", "5xx"]},
                "error": {"path": "status", "not_errors": ["success"]},
                "timestamp": {"path": "startTime", "unit": "s"},
                "numeric_fields": [{"name": "completion_tokens", "path": "completion_tokens"}],
                "categorical_fields": [
                  {"name": "finish_reason", "path": "response.choices.0.finish_reason"}
                ]
              }
            }
            """)
}
