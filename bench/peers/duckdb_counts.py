"""DuckDB "counts only": one SQL query over the log with per-cohort counts,
error rates and latency quantiles, and no statistical tests.

Usage: duckdb_counts.py FILE (plain or .gz).
"""

import sys

import duckdb

from summary import print_summary

COLUMNS = {
    "cohort": "VARCHAR",
    "latency_ms": "DOUBLE",
    "status": "INTEGER",
    "error": "VARCHAR",
}

QUERY = """
SELECT cohort,
       count(*) AS requests,
       count(*) FILTER (WHERE status >= 500 OR error IS NOT NULL) AS errors,
       avg(CASE WHEN status >= 500 OR error IS NOT NULL THEN 1.0 ELSE 0.0 END) AS error_rate,
       quantile_cont(latency_ms, [0.5, 0.9, 0.95, 0.99]) AS latency_quantiles
FROM read_ndjson(?, columns = ?)
GROUP BY cohort
ORDER BY cohort
"""


def main():
    rows = duckdb.connect().execute(QUERY, [sys.argv[1], COLUMNS]).fetchall()
    cohorts = {
        cohort: {
            "requests": requests,
            "errors": errors,
            "error_rate": error_rate,
            "latency_p50": quantiles[0],
            "latency_p90": quantiles[1],
            "latency_p95": quantiles[2],
            "latency_p99": quantiles[3],
        }
        for cohort, requests, errors, error_rate, quantiles in rows
    }
    print_summary("duckdb_counts", cohorts)


if __name__ == "__main__":
    main()
