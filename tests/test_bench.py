"""The benchmark harness still runs end to end (a tiny data set, one repeat, no server)."""

import io

import pytest

from bench import run as bench_run

pytestmark = pytest.mark.django_db


def test_quick_benchmark_measures_every_operation():
    out = io.StringIO()
    results = bench_run.run(
        quick=True, cases=60, iterations=2, seed=3, throughput_seconds=0, out=out
    )
    names = [r["operation"] for r in results["operations"]]
    assert "case page (50 contacts, 150+ history)" in names
    assert "acknowledge a complaint (POST)" in names
    assert "annual report PDF (the background task)" in names
    for row in results["operations"]:
        assert row["median_ms"] > 0 and row["queries"] > 0
        assert set(row["status"]) <= {200, 302}, row
    assert "case list (default)" in out.getvalue()
    budgets = {r["operation"]: r["budget_ms"] for r in results["operations"]}
    assert budgets["case list (deep page)"] == 150
    assert budgets["annual report PDF (the background task)"] == 20000


def test_percentile_interpolates_between_ranks():
    assert bench_run.percentile([10, 20, 30, 40], 0.5) == 25
    assert bench_run.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95) == pytest.approx(9.55)


def test_a_page_that_fails_stops_the_benchmark_instead_of_being_timed():
    from types import SimpleNamespace

    bench = bench_run.Bench(iterations=2, warmup=0)
    with pytest.raises(RuntimeError, match="HTTP \\[400\\]"):
        bench.measure("broken page", lambda client: SimpleNamespace(status_code=400))
    assert bench.results == []
