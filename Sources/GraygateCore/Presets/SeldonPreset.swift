extension Preset {
    /// Seldon Core's request logger (the executor's `logger` of a SeldonDeployment predictor), as
    /// CloudEvents written one per line in the CloudEvents JSON event format 1.0 with attributes and
    /// extensions at the top level, as for the `kserve` preset.
    ///
    /// The `requestid` extension pairs the two events, because the executor's logger may give the request
    /// and the response event different `id` values. The latency is the time between the two events' `time` attributes. The cohort
    /// is the `endpoint` extension, which carries the predictor's name: `canary` is gray, and `default` and
    /// `main` are normal. List your own predictor names with `--gray` and `--normal`. `data` is a SeldonMessage,
    /// in place or as a JSON string. A response is an error when its `status.status` is not `SUCCESS`, as
    /// Seldon's error responses carry `"status": {"status": "FAILURE", "code": …}`. The first value of
    /// `data.ndarray` is compared for drift.
    ///
    /// NOTE: when a sink drops the extensions, `requestid` is missing and no event pairs; for loggers whose
    /// two events share `id`, set `mapping.events.id` to `id`.
    static let seldon = Preset(
        name: "seldon",
        summary: "Seldon Core request logger CloudEvents; paired by requestid, cohort from the predictor endpoint",
        configuration: """
            {
              "version": 1,
              "mapping": {
                "events": {
                  "id": "requestid",
                  "type": {
                    "path": "type",
                    "request": ["io.seldon.serving.inference.request"],
                    "response": ["io.seldon.serving.inference.response"]
                  },
                  "time": "time"
                },
                "cohort": {"path": "endpoint", "gray": ["canary"], "normal": ["default", "main"]},
                "status": {"path": null},
                "error": {"path": "data", "json": "status.status", "not_errors": ["SUCCESS"]},
                "timestamp": {"path": "time"},
                "numeric_fields": [{"name": "prediction", "path": "data", "json": "data.ndarray.0.0"}],
                "categorical_fields": []
              }
            }
            """)
}
