"""DuckDB "full job": what a team could write instead of graygate analyze.

Parse the log once into a DuckDB table, compute per-cohort counts, error
counts and latency quantiles in SQL, then fetch each cohort's latency, score
and label columns and run the same two-sample tests with scipy.

Usage: duckdb_full.py FILE (plain or .gz; DuckDB picks the codec from the
file name).
"""

import sys

import duckdb

from cohort_tests import run_tests
from summary import print_summary

COLUMNS = {
    "cohort": "VARCHAR",
    "latency_ms": "DOUBLE",
    "status": "INTEGER",
    "error": "VARCHAR",
    "prediction": "STRUCT(label VARCHAR, score DOUBLE)",
}

COHORT_SUMMARY_SQL = """
SELECT cohort,
       count(*) AS requests,
       count(*) FILTER (WHERE status >= 500 OR error IS NOT NULL) AS errors,
       quantile_cont(latency_ms, [0.5, 0.9, 0.95, 0.99]) AS latency_quantiles
FROM requests
GROUP BY cohort
ORDER BY cohort
"""


def main():
    path = sys.argv[1]
    connection = duckdb.connect()
    connection.execute(
        "CREATE TEMP TABLE requests AS "
        "SELECT cohort, latency_ms, status, error, "
        "prediction.label AS label, prediction.score AS score "
        "FROM read_ndjson(?, columns = ?)",
        [path, COLUMNS],
    )

    cohorts = {}
    for cohort, requests, errors, quantiles in connection.execute(COHORT_SUMMARY_SQL).fetchall():
        cohorts[cohort] = {
            "requests": requests,
            "errors": errors,
            "latency_p50": quantiles[0],
            "latency_p90": quantiles[1],
            "latency_p95": quantiles[2],
            "latency_p99": quantiles[3],
        }

    samples = {}
    for cohort in ("gray", "normal"):
        columns = connection.execute(
            "SELECT latency_ms AS latency, score, label FROM requests WHERE cohort = ?",
            [cohort],
        ).fetchnumpy()
        samples[cohort] = {name: column for name, column in columns.items()}

    print_summary("duckdb_full", cohorts, run_tests(samples["gray"], samples["normal"]))


if __name__ == "__main__":
    main()
