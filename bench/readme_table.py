"""The README's performance table, written from one run of ``python -m bench.run``.

``python -m bench.run | tee bench/last_run.txt`` records a run;
``python -m bench.readme_table [bench/last_run.txt]`` rewrites the table between the
README's ``perf-table`` markers from it. Every figure in the table is a figure of that
output (ours, the peer's and the ratio as printed), so the README cannot drift from
the run it cites: ``tests/unit/test_bench_readme.py`` regenerates the table from the
recorded run and compares.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAST_RUN = ROOT / "bench" / "last_run.txt"
README = ROOT / "README.md"
BEGIN = "<!-- perf-table: written by `python -m bench.readme_table` from bench/last_run.txt -->"
END = "<!-- /perf-table -->"

_LINE = re.compile(
    r"^(?P<name>\S.*?)\s{2,}(?P<value>-?\d[\d.]*) ?(?P<unit>\S*)"
    r"(?:\s+vs (?P<peer>.+?) (?P<peer_value>-?\d[\d.]*) ?\S*\s+\(x(?P<ratio>[\d.]+)\))?"
    r"(?:\s+\[target (?P<target>[^\]]*)\])?\s*$"
)


@dataclass(frozen=True)
class Figure:
    """One printed figure: ``name value unit [vs peer peer_value (xratio)] [target]``."""

    value: str
    unit: str
    peer: str | None
    peer_value: str | None
    ratio: str | None
    target: str | None

    def ours(self) -> str:
        return f"{self.value} {self.unit}".strip()

    def against(self) -> str:
        """``ours (peer value, xratio)``; ``ours`` alone when no peer was printed."""
        if self.peer is None:
            return self.ours()
        peer = f"{self.peer_value} {self.unit}".strip()
        return f"{self.ours()} ({self.peer} {peer}, x{self.ratio})"


class Run:
    """The figures of one ``bench.run`` output, by (section, name)."""

    def __init__(self, text: str) -> None:
        self.header: list[str] = []
        self.figures: dict[tuple[str, str], Figure] = {}
        section = ""
        for raw in text.splitlines():
            line = raw.rstrip()
            if line.startswith("# "):
                self.header.append(line[2:].strip())
                continue
            if line.startswith("== "):
                section = line[3:].strip()
                continue
            if not section:
                continue
            match = _LINE.match(line.strip())
            if match is None:
                continue
            key = (section, match["name"].strip())
            self.figures.setdefault(
                key,
                Figure(
                    match["value"],
                    match["unit"],
                    match["peer"],
                    match["peer_value"],
                    match["ratio"],
                    match["target"],
                ),
            )

    def __call__(self, section: str, name: str) -> Figure:
        try:
            return self.figures[(section, name)]
        except KeyError:
            known = sorted(n for s, n in self.figures if s == section)
            raise KeyError(
                f"bench output has no figure `{name}` in section `{section}` "
                f"(its figures: {'; '.join(known) or 'none: section not run'})"
            ) from None

    def about(self) -> str:
        """The run's header lines (interpreter, date, machine load), one sentence."""
        return "; ".join(self.header)


Cell = Callable[[Run], str]


@dataclass(frozen=True)
class Row:
    figure: str
    measured: Cell
    target: str = ""


def _vs(section: str, name: str) -> Cell:
    return lambda run: run(section, name).against()


def _ours(section: str, name: str) -> Cell:
    return lambda run: run(section, name).ours()


def _peer(section: str, name: str, note: str) -> Cell:
    """The peer's figure alone: ``peer value unit (note)``."""

    def cell(run: Run) -> str:
        fig = run(section, name)
        if fig.peer is None:
            return "peer not run"
        return f"{fig.peer} {fig.peer_value} {fig.unit} ({note})"

    return cell


def _join(*cells: Cell, sep: str = "; ") -> Cell:
    return lambda run: sep.join(cell(run) for cell in cells)


def _text(prefix: str, cell: Cell, suffix: str = "") -> Cell:
    return lambda run: f"{prefix}{cell(run)}{suffix}"


def _mutants(run: Run) -> str:
    ours: list[float] = []
    peers: list[float] = []
    for (section, name), fig in run.figures.items():
        if section == "mutants" and name.endswith("examples until found"):
            ours.append(float(fig.value))
            if fig.peer_value is not None:
                peers.append(float(fig.peer_value))
    if not ours:
        raise KeyError("bench output has no `mutants` figures")
    return (
        f"{len(ours)} mutants, {min(ours):g}-{max(ours):g} examples each "
        f"(one request per example, same run: {min(peers):g}-{max(peers):g})"
    )


EV, SH, LP, PR = "evaluate", "evaluate-shapes", "lint-policies", "process"
ISO = "isolation"

ROWS: tuple[Row, ...] = (
    Row(
        "render + parse + validate one template",
        _vs("render", "render+parse+validate one template (documents)"),
        "<= 200 us",
    ),
    Row(
        "the same for a 7-statement tier session policy",
        _ours("render", "render+parse+validate tier session policy (7 stmts)"),
    ),
    Row(
        "one decision, 6-statement tenant policy, 8 repeated request shapes (narrow case: "
        "a warm plan and a repeated request shape)",
        _join(
            _vs(EV, "ours vs principalmapper local simulation"),
            _peer(EV, "ours vs iam-simulate (node, timed in-process)", "in process"),
        ),
        "<= 5 us, >= 10x principalmapper",
    ),
    Row(
        "one decision, never-seen requests: the same 8, each with a new object or secret "
        "name or a new context value, building the `Request` included",
        _vs(EV, "decision, never-seen requests (8 above, new object/secret or context)"),
        "<= 3 us, >= 5x principalmapper",
    ),
    Row(
        "`s3:GetObject` of a never-seen object, `Evaluator.decide` (the request's parts in, "
        "as principalmapper takes them)",
        _vs(EV, "s3:GetObject of a never-seen object, Evaluator.decide (parts in, as the peer)"),
        "<= 3 us, >= 5x principalmapper",
    ),
    Row(
        "the same, building the `Request` first",
        _vs(EV, "the same through Request(...) + evaluate (builds the Request)"),
        "<= 3 us",
    ),
    Row(
        "the same with every evaluator cache cleared first (plans rebuilt: the first request "
        "of an action and caller kind, a one-time cost)",
        _vs(EV, "the same with no plan cached (evaluator caches cleared)"),
    ),
    Row(
        "ABAC role policy (`${aws:PrincipalTag/TenantId}` in its resource), never-seen "
        "tenant and object: `Request` + `evaluate` / `decide`",
        _join(
            lambda r: next(
                f.against()
                for (s, n), f in r.figures.items()
                if s == EV and n.startswith("decision, ABAC role policy")
            ),
            _vs(EV, "the same through Evaluator.decide (parts in, as the peer)"),
            sep=" / ",
        ),
        "<= 3 us",
    ),
    Row(
        "other names (`evaluate-shapes`: another account, bucket and table; 4 statements): "
        "never-seen mix of 6 requests, per request",
        _vs(SH, "other names: never-seen mix (6 requests, 4-statement policy)"),
        "<= 3 us, >= 5x principalmapper",
    ),
    Row(
        "other names: never-seen object, `decide` / `Request` + `evaluate` (principalmapper "
        "stops at the first matching Allow here; ours reads every statement, to report all "
        "that match)",
        _join(
            _vs(SH, "s3:GetObject of a never-seen object, Evaluator.decide (parts in)"),
            _vs(SH, "the same through Request(...) + evaluate"),
            sep=" / ",
        ),
        "<= 3 us, >= 5x principalmapper",
    ),
    Row(
        "other names: two tag/username variables, never-seen team, user and object, "
        "`Request` + `evaluate` / `decide`",
        _join(
            _vs(SH, "two tag/username variables, never-seen team, user and object"),
            _vs(SH, "the same through Evaluator.decide (parts in)"),
            sep=" / ",
        ),
        "<= 3 us",
    ),
    Row(
        "isolation proof, whole bundled catalogue (3 tiers), in process, repeated (narrow "
        "case: warm per-process caches of one long-lived process)",
        _ours(ISO, "whole bundled catalogue, all tiers, proved (in process)"),
        "<= 1 s in process",
    ),
    Row(
        "the same from the shell (interpreter, action data, tenant automaton included) / "
        "one tier alone",
        _join(
            _ours(ISO, "the same from the shell, interpreter start included"),
            _ours(ISO, "one tier (premium), cold, from the shell"),
            sep=" / ",
        ),
    ),
    Row(
        "catalogues 1x / 2x / 4x / 8x the bundled one (3-24 tiers), whole process, every "
        "tier proved (against N x the 1x run)",
        _join(
            _ours(ISO, "1x catalogue (3 tiers), whole process, every tier proved"),
            _vs(ISO, "2x catalogue (6 tiers), whole process, every tier proved"),
            _vs(ISO, "4x catalogue (12 tiers), whole process, every tier proved"),
            _vs(ISO, "8x catalogue (24 tiers), whole process, every tier proved"),
            sep=" / ",
        ),
        "8x <= 3 s",
    ),
    Row(
        "the 8x catalogue with `check-isolation --jobs 2` (against serial)",
        _vs(ISO, "8x catalogue, --jobs 2"),
    ),
    Row(
        "vending, warm hit (`session_for` on a cached key)",
        _ours("vend", "warm hit: session_for(tenant, tier), cached key"),
        "<= 10 us",
    ),
    Row(
        "vending, cold path without the STS round trip (validate, render, minify, prepare)",
        _ours("vend", "cold path without STS: validate, render, minify, prepare call"),
        "<= 1 ms",
    ),
    Row(
        "STS calls for 100,000 Zipf requests over 1,000 tenants: default cache (1,024 "
        "entries) / 256 entries (against no cache)",
        _join(
            _vs(
                "vend",
                "STS calls, 100,000 Zipf requests / 1,000 tenants, default cache (1,024 entries)",
            ),
            _vs(
                "vend",
                "STS calls, 100,000 Zipf requests / 1,000 tenants, small cache (256 entries)",
            ),
            sep=" / ",
        ),
    ),
    Row(
        "memory of a full cache of 10,000 tenants (credentials)",
        _ours("vend", "memory of a full cache, 10,000 tenants (credentials)"),
        "<= 50 MB",
    ),
    Row(
        "guard decision per call (`Guard.check`), DynamoDB `Query` / S3 `GetObject`",
        _join(
            _ours("guard", "guard decision per call, DynamoDB Query"),
            _ours("guard", "guard decision per call, S3 GetObject"),
            sep=" / ",
        ),
        "<= 20 us",
    ),
    Row(
        "guard's share of a whole boto3 call (guarded minus unguarded client, signed, "
        "answered in process before sending: narrow case, no network), DynamoDB `Query` "
        "/ S3 `HeadObject` (against the unguarded call)",
        _join(
            _vs("guard", "guard overhead per whole call, DynamoDB Query (guarded - plain)"),
            _vs("guard", "guard overhead per whole call, S3 HeadObject (guarded - plain)"),
            sep=" / ",
        ),
    ),
    Row(
        "`import policy_engine` with boto3 already loaded: time, RSS",
        _join(
            _ours("import", "import policy_engine with boto3 loaded: extra time"),
            _ours("import", "import policy_engine with boto3 loaded: extra RSS"),
            sep=", ",
        ),
        "<= 50 ms, <= 15 MB",
    ),
    Row(
        "`policy_engine.lambda_` + `.vend` imported over `import boto3` (Lambda cold start; "
        "boto3 itself in the same run)",
        _join(
            _ours("coldstart", "import policy_engine.lambda_, .vend over import boto3"),
            _text("boto3 ", _ours("coldstart", "bare boto3 handler: import boto3")),
            _text("RSS +", _ours("coldstart", "memory added by those imports (RSS)")),
        ),
        "<= 40 ms",
    ),
    Row(
        "cold start with `require_proved=True`: the proof certificate checked (against "
        "proving at cold start)",
        _vs("coldstart", "require_proved=True: certificate check at cold start"),
        "<= 10 ms",
    ),
    Row(
        "lint, every rule, typical 2-statement policy (parsed)",
        _vs("lint", "every rule, parsed typical 2-statement policy"),
        ">= 10x parliament core",
    ),
    Row(
        "lint, every rule, bad 14-statement policy (parsed; `bench/lint_policies.json`), "
        "wall / CPU",
        _join(
            _vs(LP, "every rule, parsed bad 14-statement policy"),
            _vs(LP, "every rule, parsed bad 14-statement policy (CPU time)"),
            sep=" / ",
        ),
        "<= 1 ms, ahead of parliament core",
    ),
    Row(
        'the same with its 4 "did you mean" hints not memoised, wall',
        _vs(LP, "the same, its 4 hints not memoised (each policy's typos new)"),
    ),
    Row(
        "lint, every rule, clean 20-statement tenant policy (parsed), wall / CPU",
        _join(
            _vs(LP, "every rule, parsed clean 20-statement policy"),
            _vs(LP, "every rule, parsed clean 20-statement policy (CPU time)"),
            sep=" / ",
        ),
        "<= 0.5 ms, ahead of cloudsplaining",
    ),
    Row(
        'lint "did you mean" for one unknown action, wall / CPU (against the difflib scan it '
        "replaced)",
        _join(
            _vs(LP, '"did you mean" for one unknown action'),
            _vs(LP, '"did you mean" for one unknown action (CPU time)'),
            sep=" / ",
        ),
        "<= 0.2 ms",
    ),
    Row(
        "lint redundant-statement rule (PE070), per statement, 20 / 200 statements",
        _join(
            _ours(LP, "redundant-statement rule (PE070), 20 statements, per statement"),
            _ours(LP, "redundant-statement rule (PE070), 200 statements, per statement"),
            sep=" / ",
        ),
        "near-linear",
    ),
    Row(
        "`policy-engine lint`, whole bundled catalogue with the proof, from the shell",
        _ours("lint", "`policy-engine lint`, bundled catalogue, from the shell"),
        "<= 2 s",
    ),
    Row(
        "`policy-engine lint`, the 8x catalogue (24 tiers), whole process: serial / "
        "`--jobs 2` (interleaved)",
        _join(
            _ours("lint-jobs", "`policy-engine lint`, 8x catalogue (24 tiers), whole process"),
            _vs("lint-jobs", "the same with --jobs 2 (interleaved with the serial runs)"),
            sep=" / ",
        ),
    ),
    Row(
        "`policy-engine lint`, generated 1,000-resource CloudFormation template, from the "
        "shell (median of 3): against cfn-lint / checkov",
        _join(
            _vs("iac", "policy-engine lint vs cfn-lint, same template"),
            _vs("iac", "policy-engine lint vs checkov, same template"),
            sep=" / ",
        ),
        "<= 2 s",
    ),
    Row(
        "`policy-engine --version`, whole process (bare `python -c pass` in the same run)",
        _join(
            _ours(PR, "`policy-engine --version`, whole process"),
            _text(
                "python -c pass ", _ours(PR, "`python -c pass` (the bare interpreter, for scale)")
            ),
        ),
        "<= 150 ms",
    ),
    Row(
        "`policy-engine lint FILE`, one typical policy file, whole process",
        _vs(PR, "`policy-engine lint FILE` (one policy), whole process"),
        "peer / ours >= 1.5",
    ),
    Row(
        'the same file with a misspelt action (PE060\'s "did you mean")',
        _vs(PR, "`policy-engine lint FILE`, a misspelt action (PE060)"),
    ),
    Row(
        "`policy-engine simulate --cases FILE`, 16 requests, whole process",
        _vs(PR, "`policy-engine simulate --cases FILE` (16 requests)"),
        "peer / ours >= 1.5",
    ),
    Row(
        "authorizer decision, cached JWKS, RS256 / ES256 (against PyJWT `decode` alone)",
        _join(
            _vs("authorizer", "authorizer decision, RS256, cached JWKS"),
            _vs("authorizer", "authorizer decision, ES256, cached JWKS"),
            sep=" / ",
        ),
        "<= 300 us",
    ),
    Row(
        "property test (`assert_tenant_isolation`, `ci` profile): examples until each "
        "known-leaky mutant is found",
        _mutants,
    ),
)


def table(run: Run, rows: Sequence[Row] = ROWS) -> str:
    """The Markdown table of ``rows`` from ``run`` (KeyError naming a missing figure)."""
    lines = ["| figure | measured | target |", "|---|---|---|"]
    for row in rows:
        lines.append(f"| {row.figure} | {row.measured(run)} | {row.target} |")
    return "\n".join(lines)


def block(run: Run) -> str:
    """What stands between the README markers: the run's header, then the table."""
    return f"{BEGIN}\nFrom `bench/last_run.txt`: {run.about()}.\n\n{table(run)}\n{END}"


def rewrite(readme: str, run: Run) -> str:
    """``readme`` with its marked block replaced (ValueError without both markers)."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README has no `{BEGIN}` ... `{END}` block")
    return readme[:start] + block(run) + readme[end + len(END) :]


def main(argv: Iterable[str]) -> int:
    args = list(argv)
    source = Path(args[0]) if args else LAST_RUN
    run = Run(source.read_text(encoding="utf-8"))
    README.write_text(rewrite(README.read_text(encoding="utf-8"), run), encoding="utf-8")
    print(f"README performance table written from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
