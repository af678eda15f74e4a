"""Scores against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from realpolitik.analysis import scores


def test_point_scores_by_hand() -> None:
    # errors 10, 10, 15 (the NaN case is left out)
    s = scores.point_scores([10, 20, 50, np.nan], [0, 30, 35, 5])
    assert s["n"] == 3
    assert s["mae"] == pytest.approx(35 / 3)
    assert s["rmse"] == pytest.approx(math.sqrt(425 / 3))
    assert s["hit"] == pytest.approx(2 / 3)  # within 10 points, 10 included
    assert math.isnan(scores.point_scores([np.nan], [1])["mae"])


def test_paired_difference_by_hand() -> None:
    f, r, o = [10, 20, 50], [0, 40, 50], [0, 30, 35]
    d = scores.paired_difference(f, r, o, n_resamples=999)
    # errors f: 10, 10, 15; r: 0, 10, 15
    assert d["d_mae"] == pytest.approx(10 / 3)
    assert d["d_rmse"] == pytest.approx(math.sqrt(425 / 3) - math.sqrt(325 / 3))
    assert d["d_hit"] == pytest.approx(0.0)
    assert d["d_mae_lo"] <= d["d_mae"] <= d["d_mae_hi"]
    # the bootstrap of a difference of 10 on one case in three: between 0 and 10
    assert d["d_mae_lo"] >= 0 and d["d_mae_hi"] <= 10


def test_identical_and_shifted_errors_have_degenerate_intervals() -> None:
    rng = np.random.default_rng(1)
    o = rng.uniform(0, 100, 50)
    r = o + rng.uniform(5, 20, 50)
    same = scores.paired_difference(r, r, o, n_resamples=199)
    assert (same["d_mae"], same["d_mae_lo"], same["d_mae_hi"]) == (0.0, 0.0, 0.0)
    worse = scores.paired_difference(r + 2, r, o, n_resamples=199)  # every error +2
    assert worse["d_mae"] == pytest.approx(2)
    assert worse["d_mae_lo"] == pytest.approx(2) and worse["d_mae_hi"] == pytest.approx(2)
    assert worse["mde_mae"] == pytest.approx(0, abs=1e-9)


def test_mde_matches_the_normal_formula_for_independent_cases() -> None:
    rng = np.random.default_rng(2)
    n = 400
    o = np.zeros(n)
    r = rng.uniform(10, 30, n)
    f = r + rng.normal(0, 6, n)
    f = np.abs(f)
    d = scores.paired_difference(f, r, o, n_resamples=2000)
    diff = np.abs(f) - np.abs(r)
    se = diff.std(ddof=1) / math.sqrt(n)
    assert d["se_mae"] == pytest.approx(se, rel=0.1)
    assert d["mde_mae"] == pytest.approx(2.8016 * d["se_mae"], rel=1e-3)


def test_clusters_widen_the_interval_of_correlated_cases() -> None:
    rng = np.random.default_rng(3)
    # 20 proposals of 10 issues; the advantage varies by proposal, not by issue
    effect = np.repeat(rng.normal(0, 5, 20), 10)
    o, r = np.zeros(200), np.full(200, 20.0)
    f = r + effect
    plain = scores.paired_difference(f, r, o, n_resamples=999)
    clustered = scores.paired_difference(f, r, o, clusters=np.repeat(np.arange(20), 10),
                                         n_resamples=999)
    assert plain["d_mae"] == pytest.approx(clustered["d_mae"])
    assert clustered["se_mae"] > 2 * plain["se_mae"]


def test_compare_is_reproducible() -> None:
    o = np.arange(30.0)
    fc = {"compromise": o + 5, "other": o + np.where(o % 2, 3, 8)}
    a = scores.compare(fc, o, "compromise", n_resamples=199, seed=4)
    b = scores.compare(fc, o, "compromise", n_resamples=199, seed=4)
    assert a == b
    assert a[0]["d_mae"] == 0 and a[1]["d_mae"] == pytest.approx((15 * 3 + 15 * 8) / 30 - 5)


def test_probability_scores_by_hand() -> None:
    p, y = np.array([0.8, 0.3, 0.5]), np.array([1, 0, 1])
    s = scores.probability_scores(p, y)
    assert s["brier"] == pytest.approx((0.04 + 0.09 + 0.25) / 3)
    assert s["log"] == pytest.approx(-(math.log(0.8) + math.log(0.7) + math.log(0.5)) / 3)
    b = s["baselines"]
    assert b["always no deal"]["brier"] == pytest.approx(2 / 3)
    assert b["always no deal"]["log"] == pytest.approx(
        -(2 * math.log(1e-3) + math.log(1 - 1e-3)) / 3)
    assert b["always deal"]["brier"] == pytest.approx(1 / 3)
    assert b["base rate"]["brier"] == pytest.approx(2 / 9)
    assert b["coin"]["brier"] == pytest.approx(0.25)
    assert b["coin"]["log"] == pytest.approx(math.log(2))
    cal = s["calibration"]
    assert [c["bin"] for c in cal] == ["0.2–0.4", "0.4–0.6", "0.8–1.0"]
    top = cal[-1]
    assert (top["n"], top["mean_p"], top["observed"]) == (1, 0.8, 1.0)
    z2 = 1.959963984540054**2
    assert top["observed_lo"] == pytest.approx(1 / (1 + z2))  # Wilson, 1 of 1
    assert top["observed_hi"] == pytest.approx(1.0)


def test_probability_scores_reject_bad_input() -> None:
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        scores.brier([1.2], [1])
    with pytest.raises(ValueError, match="outcomes"):
        scores.brier([0.5, 0.5], [1])
