extension Preset {
    /// KServe's inference logger (`spec.predictor.logger` with `mode: all`), as CloudEvents written one per
    /// line in the CloudEvents JSON event format 1.0: attributes and extensions at the top level, such as
    /// a Knative `KafkaSink` with `contentMode: structured` dumped one record per line. A line looks like
    /// `{"specversion":"1.0","id":"…","type":"org.kubeflow.serving.inference.response","time":"…",
    /// "inferenceservicename":"…","component":"predictor","endpoint":"canary","data":{"predictions":[0.73]}}`.
    ///
    /// The request event and the response event share `id`; the latency is the time between their `time`
    /// attributes. The cohort is the `endpoint` extension: `default` is normal and `canary` gray. `data`
    /// may be the payload itself or the payload as a JSON string, as sinks that keep the bytes write it.
    /// A response is an error when its payload has an `error` key, as the V1 protocol's error body does.
    /// The first prediction of the V1 protocol, `predictions[0]`, is compared for drift. For the V2
    /// (Open Inference) protocol, map `data` with `"json": "outputs.0.data.0"` instead.
    ///
    /// NOTE: the logger sets each event's time when it sends the event, so the latency includes the
    /// logger's own queueing. It is close to the model's latency only while the logger keeps up. When
    /// `endpoint` is empty (canary revisions behind one predictor), map the cohort from another field, or
    /// sink each revision apart and use `--gray-log` and `--normal-log`.
    static let kserve = Preset(
        name: "kserve",
        summary: "KServe inference logger CloudEvents; request and response paired by id, cohort from endpoint",
        configuration: """
            {
              "version": 1,
              "mapping": {
                "events": {
                  "id": "id",
                  "type": {
                    "path": "type",
                    "request": ["org.kubeflow.serving.inference.request"],
                    "response": ["org.kubeflow.serving.inference.response"]
                  },
                  "time": "time"
                },
                "cohort": {"path": "endpoint", "gray": ["canary"], "normal": ["default"]},
                "status": {"path": null},
                "error": {"path": "data", "json": "error"},
                "timestamp": {"path": "time"},
                "numeric_fields": [{"name": "prediction", "path": "data", "json": "predictions.0"}],
                "categorical_fields": []
              }
            }
            """)
}
