"""polars full job: the same work as duckdb_full.py, with polars as the engine.

Parse the log once with scan_ndjson and an explicit schema, compute
per-cohort counts, error counts and latency quantiles, then hand each
cohort's latency, score and label columns to the scipy tests.

Usage: polars_full.py FILE (plain or .gz; polars detects gzip itself).
"""

import sys

import polars as pl

from cohort_tests import run_tests
from summary import print_summary

SCHEMA = {
    "cohort": pl.String,
    "latency_ms": pl.Float64,
    "status": pl.Int64,
    "error": pl.String,
    "prediction": pl.Struct({"label": pl.String, "score": pl.Float64}),
}

QUANTILES = (0.5, 0.9, 0.95, 0.99)


def main():
    requests = (
        pl.scan_ndjson(sys.argv[1], schema=SCHEMA)
        .select(
            "cohort",
            "latency_ms",
            ((pl.col("status") >= 500) | pl.col("error").is_not_null()).alias("is_error"),
            pl.col("prediction").struct.field("label"),
            pl.col("prediction").struct.field("score"),
        )
        .collect()
    )

    summary = (
        requests.group_by("cohort")
        .agg(
            pl.len().alias("requests"),
            pl.col("is_error").sum().alias("errors"),
            *[
                pl.col("latency_ms").quantile(q, interpolation="linear").alias(f"latency_p{round(q * 100)}")
                for q in QUANTILES
            ],
        )
        .sort("cohort")
    )
    cohorts = {row.pop("cohort"): row for row in summary.to_dicts()}

    samples = {}
    for cohort in ("gray", "normal"):
        rows = requests.filter(pl.col("cohort") == cohort)
        samples[cohort] = {
            "latency": rows["latency_ms"].to_numpy(),
            "score": rows["score"].to_numpy(),
            "label": rows["label"].to_numpy(),
        }

    print_summary("polars_full", cohorts, run_tests(samples["gray"], samples["normal"]))


if __name__ == "__main__":
    main()
