"""The README's performance table is the recorded bench run, figure for figure:
`python -m bench.readme_table` writes it from bench/last_run.txt, and this test
regenerates it and compares (a figure edited by hand, or a run recorded without
rewriting the table, fails here)."""

from __future__ import annotations

import pytest

from bench.readme_table import BEGIN, END, LAST_RUN, README, ROWS, Row, Run, block, rewrite, table

SAMPLE = """\
# python 3.11.7 on linux, 2 cores
# commit abc1234, started 2026-12-03 05:00 UTC
== evaluate
decision, 6-statement tenant policy (ours)                         0.49 us     [target <= 5 us]
  ours vs principalmapper local simulation                         0.49 us     vs principalmapper 14.65 us (x30.1)  [target peer >= 10x slower]
decision, never-seen requests (8 above, new object/secret or context)         1.98 us     vs principalmapper 18.33 us (x9.3)  [target <= 3 us, >= 5x principalmapper]
decisions per second (ours)                                  2056195.82 /s
== mutants
found   StringLike -> StringLikeIfExists: examples until found         3.00        vs one request per example 338.00  (x112.7)
          seconds until found                                      0.18 s      vs one request per example 4.16 s (x23.2)
# load average at end 0.93 / 0.55 / 0.59
"""  # noqa: E501


def test_lines_are_read_with_their_peer_ratio_and_target() -> None:
    run = Run(SAMPLE)
    fig = run("evaluate", "ours vs principalmapper local simulation")
    assert (fig.value, fig.unit, fig.peer, fig.peer_value, fig.ratio) == (
        "0.49",
        "us",
        "principalmapper",
        "14.65",
        "30.1",
    )
    assert fig.target == "peer >= 10x slower"
    assert fig.against() == "0.49 us (principalmapper 14.65 us, x30.1)"
    long = run("evaluate", "decision, never-seen requests (8 above, new object/secret or context)")
    assert long.against() == "1.98 us (principalmapper 18.33 us, x9.3)"
    assert run("evaluate", "decisions per second (ours)").ours() == "2056195.82 /s"
    unitless = run("mutants", "found   StringLike -> StringLikeIfExists: examples until found")
    assert (unitless.value, unitless.unit, unitless.peer_value, unitless.ratio) == (
        "3.00",
        "",
        "338.00",
        "112.7",
    )
    assert run.about() == (
        "python 3.11.7 on linux, 2 cores; commit abc1234, started 2026-12-03 05:00 UTC; "
        "load average at end 0.93 / 0.55 / 0.59"
    )


def test_a_missing_figure_is_named_with_the_section_figures() -> None:
    run = Run(SAMPLE)
    with pytest.raises(KeyError, match=r"no figure `nope` in section `evaluate`.*per second"):
        run("evaluate", "nope")
    with pytest.raises(KeyError, match="section not run"):
        table(run, [Row("x", lambda r: r("vend", "warm hit").ours())])


def test_rewrite_needs_both_markers() -> None:
    run = Run(SAMPLE)
    rows = [Row("never seen", lambda r: r("evaluate", "decisions per second (ours)").ours())]
    assert "| never seen | 2056195.82 /s |  |" in table(run, rows)
    with pytest.raises(ValueError, match="perf-table"):
        rewrite("# README without the block\n", run)


def test_the_readme_table_is_the_recorded_run() -> None:
    run = Run(LAST_RUN.read_text(encoding="utf-8"))
    readme = README.read_text(encoding="utf-8")
    assert BEGIN in readme
    assert END in readme
    start = readme.index(BEGIN)
    current = readme[start : readme.index(END) + len(END)]
    assert current == block(run), "run `python -m bench.readme_table` after recording a bench run"
    # every row of the table has its figures in the run (none left out silently)
    assert current.count("\n| ") == len(ROWS) + 1  # the header row, then one per row
