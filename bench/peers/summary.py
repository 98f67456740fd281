"""Output of the peer scripts: one JSON line that bench/run parses.

Kept apart from cohort_tests.py so that duckdb_counts.py, which runs no
tests, does not pay for importing scipy (about 0.7 s on the benchmark
machine, timed with `python -c "import scipy.stats"`).
"""

import json


def print_summary(tool, cohorts, tests=None):
    """Print the result as one JSON line on standard output.

    Printing every statistic keeps each engine from skipping work whose
    result is never used, and gives bench/run the counts it checks.
    """
    summary = {"tool": tool, "cohorts": cohorts}
    if tests is not None:
        summary["tests"] = tests
    print(json.dumps(summary, sort_keys=True))
