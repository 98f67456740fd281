extension Preset {
    /// Envoy and Istio JSON access logs (Istio's `accessLogEncoding: JSON`, or an Envoy `json_format`
    /// with the same command operators).
    ///
    /// Istio names the version subset in the third part of `upstream_cluster`,
    /// `outbound|8080|v2|reviews.default.svc.cluster.local`. Inbound lines (`inbound|9080||`) name none, so
    /// they match no cohort and are counted apart. `duration` is milliseconds, a number or a string. A
    /// request is an error on a 5xx status or on a response flag other than none (`-`) and a client that
    /// hung up (`DC`). A status of 0 means no response was sent, and its flag gives the cause.
    static let envoy = Preset(
        name: "envoy",
        summary: "Envoy / Istio JSON access logs; cohort from the subset in upstream_cluster (v1 normal, v2 gray)",
        configuration: """
            {
              "version": 1,
              "mapping": {
                "cohort": {
                  "path": "upstream_cluster",
                  "split": {"separator": "|", "index": 2},
                  "gray": ["v2", "canary"],
                  "normal": ["v1", "stable"]
                },
                "latency": {"path": "duration", "unit": "ms"},
                "status": {"path": "response_code", "error_codes": ["5xx"]},
                "error": {"path": "response_flags", "not_errors": ["-", "DC"]},
                "timestamp": {"path": "start_time"},
                "numeric_fields": [{"name": "bytes_sent", "path": "bytes_sent"}],
                "categorical_fields": [{"name": "response_flags", "path": "response_flags"}]
              }
            }
            """)
}
