"""Two-sample tests that the full-job peers run with scipy once their engine
has parsed the log.

The tests mirror the checks graygate makes: Mann-Whitney U on latency,
Kolmogorov-Smirnov on the prediction score, the population stability index
(PSI) of the score at the normal cohort's deciles, and a chi-square test of
the label mix. Both peers call `run_tests` with NumPy arrays, so the scipy
part costs the same whichever engine read the file.
"""

import numpy as np
from scipy import stats

# Floor for an empty PSI bin, so ln(gray / normal) stays finite.
PSI_EMPTY_BIN_SHARE = 1e-6


def population_stability_index(gray_scores, normal_scores):
    """Compute PSI over ten bins cut at the normal cohort's score deciles."""
    inner_edges = np.unique(np.quantile(normal_scores, np.linspace(0.1, 0.9, 9)))
    gray_counts = np.bincount(np.searchsorted(inner_edges, gray_scores, side="right"),
                              minlength=len(inner_edges) + 1)
    normal_counts = np.bincount(np.searchsorted(inner_edges, normal_scores, side="right"),
                                minlength=len(inner_edges) + 1)
    gray_shares = np.maximum(gray_counts / gray_counts.sum(), PSI_EMPTY_BIN_SHARE)
    normal_shares = np.maximum(normal_counts / normal_counts.sum(), PSI_EMPTY_BIN_SHARE)
    return float(np.sum((gray_shares - normal_shares) * np.log(gray_shares / normal_shares)))


def run_tests(gray, normal):
    """Run the four tests on per-cohort arrays and return their statistics.

    `gray` and `normal` are dicts with NumPy arrays under "latency", "score"
    and "label" (strings).
    """
    mann_whitney = stats.mannwhitneyu(gray["latency"], normal["latency"],
                                      alternative="two-sided", method="asymptotic")
    kolmogorov_smirnov = stats.ks_2samp(gray["score"], normal["score"], method="asymp")
    psi = population_stability_index(gray["score"], normal["score"])

    labels = sorted(set(np.unique(gray["label"])) | set(np.unique(normal["label"])))
    contingency = np.array([
        [np.count_nonzero(gray["label"] == label) for label in labels],
        [np.count_nonzero(normal["label"] == label) for label in labels],
    ])
    chi_square = stats.chi2_contingency(contingency, correction=False)

    return {
        "latency_mann_whitney_u": float(mann_whitney.statistic),
        "latency_mann_whitney_p": float(mann_whitney.pvalue),
        "score_ks_d": float(kolmogorov_smirnov.statistic),
        "score_ks_p": float(kolmogorov_smirnov.pvalue),
        "score_psi": psi,
        "label_chi_square": float(chi_square.statistic),
        "label_chi_square_p": float(chi_square.pvalue),
    }
