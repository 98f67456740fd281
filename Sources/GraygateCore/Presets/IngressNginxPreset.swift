extension Preset {
    /// ingress-nginx with canary annotations and a JSON `log-format-upstream` that logs these variables
    /// (see docs/presets.md for the format line to put in the controller's ConfigMap).
    ///
    /// A request went to the canary when `proxy_alternative_upstream_name` is not empty;
    /// `proxy_upstream_name` keeps naming the stable backend either way. `request_time` is seconds.
    /// `upstream_response_time` lists one time per upstream attempt (`"0.001, 0.219"`) or is `-`. To
    /// judge the upstream's latency instead, map it with `"list_separator": ","`, which adds the attempts.
    static let ingressNginx = Preset(
        name: "ingress-nginx",
        summary: "ingress-nginx canary JSON logs; gray when proxy_alternative_upstream_name is non-empty",
        configuration: """
            {
              "version": 1,
              "mapping": {
                "cohort": {"path": "proxy_alternative_upstream_name", "non_empty": "gray"},
                "latency": {"path": "request_time", "unit": "s"},
                "status": {"path": "status", "error_codes": ["5xx"]},
                "error": {"path": null},
                "timestamp": {"path": "time"},
                "numeric_fields": [{"name": "bytes_sent", "path": "bytes_sent"}],
                "categorical_fields": [{"name": "upstream_status", "path": "upstream_status"}]
              }
            }
            """)
}
