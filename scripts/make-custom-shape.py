"""Write another team's log shape from a simulated log, for the custom-shape fixture and its config.

The shape: cohort in a nested routing field with the team's own values, latency in seconds, status under
http, errors as a Boolean, and predictions in an array. Tooling only: graygate never runs Python.
"""
import json
import sys

for text in open(sys.argv[1], encoding="utf-8"):
    line = json.loads(text)
    shaped = {
        "@timestamp": line["ts"],
        "trace": {"id": line["request_id"]},
        "route": {"subset": "v2-canary" if line["cohort"] == "gray" else "v1-stable", "weight": 20},
        "model": {"name": "sentiment", "version": line["model_version"]},
        "duration_s": round(line["latency_ms"] / 1000, 5),
        "http": {"status_code": line["status"]},
        "failed": line["error"] is not None,
        "outputs": [{"label": line["prediction"]["label"], "confidence": line["prediction"]["score"]}],
    }
    print(json.dumps(shaped, separators=(",", ":")))
