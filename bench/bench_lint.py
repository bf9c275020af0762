"""Lint: the project's corpus through our rules and through parliament, and the time
per policy (``python -m bench.run lint``; parliament and cloudsplaining from
``pip install -e .[bench]``).

Prints a table (case, the rule IDs we must report, what we report, what parliament
reports with community auditors off and on), then the median time per policy: a
typical 2-statement policy and a bad 14-statement one beside parliament, a clean
20-statement one beside cloudsplaining (its in-process ``scan_policy`` of one policy
document), one "did you mean" beside the difflib scan it replaced, and the
redundant-statement rule on 20 and 200 statements; last the whole-process lint of the
8x catalogue, serial and with ``--jobs 2``, interleaved (also alone:
``python -m bench.run lint-jobs``).
"""

from __future__ import annotations

import difflib
import json
import random
import re
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench._harness import Result, benchmark, interleaved_us, median_us

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "cases" / "lint_corpus.json"
POLICIES = Path(__file__).resolve().parent / "lint_policies.json"

#: A typical two-statement tenant policy (the size parliament's 0.7 ms figure is for).
TYPICAL = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "OwnOrders",
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/orders",
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]},
                "Null": {"dynamodb:LeadingKeys": "false"},
            },
        },
        {
            "Sid": "OwnDocuments",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject"],
            "Resource": "arn:aws:s3:::saas-documents/acme/*",
        },
    ],
}


def _cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if c.get("kind", "identity") == "identity"]  # parliament's kind


def _ours(text: str) -> list[str]:
    from policy_engine.lint import lint_text

    return sorted({f.rule for f in lint_text(text, kind="identity")})


def _parliament(text: str, community: bool) -> list[str] | None:
    try:
        from parliament import analyze_policy_string
    except ImportError:
        return None
    try:
        analyzed = analyze_policy_string(text, include_community_auditors=community)
    except Exception as exc:  # parliament raises on some inputs
        return [f"raised {type(exc).__name__}"]
    return sorted({f.issue for f in analyzed.findings})


def table() -> list[str]:
    rows = ["case | expected | policy-engine | parliament | parliament+community", "---"]
    agree = 0
    cases = _cases()
    for case in cases:
        text = json.dumps(case["policy"], indent=2)
        ours = _ours(text)
        agree += ours == case["expected"]
        core = _parliament(text, community=False)
        community = _parliament(text, community=True)
        rows.append(
            " | ".join(
                [
                    case["name"],
                    ",".join(case["expected"]) or "-",
                    ",".join(ours) or "-",
                    "n/a" if core is None else ",".join(core) or "-",
                    "n/a" if community is None else ",".join(community) or "-",
                ]
            )
        )
    rows.append(f"policy-engine matches the expected rule IDs on {agree}/{len(cases)} cases")
    return rows


def _shell_seconds() -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "policy_engine", "lint"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def _typical_texts(n: int) -> list[str]:
    """``n`` distinct typical policies (one tenant each), so no cache keyed by a
    resource or a document helps either tool."""
    text = json.dumps(TYPICAL)
    return [text.replace("acme", f"tenant-{i:05d}") for i in range(n)]


def _feed(func: Any, items: list[Any]) -> Any:
    """A call of ``func`` on the next of ``items`` (each seen once)."""
    feed = iter(items)
    return lambda: func(next(feed))


def _variants(name: str, n: int) -> list[str]:
    """``n`` distinct copies of a bench policy (one tenant each), as indented JSON."""
    text = json.dumps(json.loads(POLICIES.read_text(encoding="utf-8"))[name], indent=2)
    return [text.replace("acme", f"tenant-{i:05d}") for i in range(n)]


def _targets(texts: list[str]) -> list[Any]:
    from policy_engine.lint import Target
    from policy_engine.model import policy_from_obj

    return [
        Target(policy_from_obj(json.loads(t)), {}, "identity", "p.json", source_text=t)
        for t in texts
    ]


def _typos(n: int) -> list[str]:
    """``n`` distinct unknown actions: one letter of a known action replaced."""
    from policy_engine._iamdata import known_actions, known_services

    rng = random.Random(7)
    actions = sorted(known_actions())
    services = known_services()
    out: set[str] = set()
    while len(out) < n:
        service, _, name = rng.choice(actions).partition(":")
        i = rng.randrange(len(name))
        typo = f"{service}:{name[:i]}{rng.choice('abcdefghijklmnopqrstuvwxyz')}{name[i + 1 :]}"
        if typo not in actions and service in services:
            out.add(typo)
    return sorted(out, key=lambda _: rng.random())


def _difflib_hint(action: str) -> str | None:
    """The hint as the lint found it before its index: the known actions of the service
    collected by a scan, then ``difflib.get_close_matches``."""
    from policy_engine._iamdata import known_actions

    service = action.partition(":")[0]
    pool = [k for k in known_actions() if k.startswith(service + ":")]
    found = difflib.get_close_matches(action, pool, n=1)
    return found[0] if found else None


def _many_statements(n: int) -> list[Any]:
    """Targets of ``n`` statements: the 20-statement policy's statements for ``n / 20``
    tenants (one policy per tenant set), so the rule sees many near-alike statements."""
    doc = json.loads(POLICIES.read_text(encoding="utf-8"))["good_20"]
    texts = []
    for k in range(50):
        statements = []
        for i in range(n // len(doc["Statement"])):
            text = json.dumps(doc["Statement"]).replace("acme", f"t{k:03d}-{i:04d}")
            statements += json.loads(text)
        texts.append(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    return _targets(texts)


@benchmark("lint")
def run() -> list[Result]:
    for row in table():
        print(row)
    from policy_engine.lint import Target, lint_target, lint_text
    from policy_engine.model import policy_from_obj

    texts = _typical_texts(3000)
    parsed = [
        Target(policy_from_obj(json.loads(t)), {}, "identity", "p.json", source_text=t)
        for t in texts[800:1600]
    ]
    results = []
    try:
        from parliament import analyze_policy_string
    except ImportError:
        print("parliament is not installed (pip install -e .[bench]): no peer figures")
        analyze_policy_string = None
    # each on its own policies, none seen before; batches in turn (see interleaved_us)
    runs = [
        (_feed(lambda t: lint_text(t, kind="identity"), texts[:800]), 50),
        (_feed(lambda t: list(lint_target(t)), parsed), 50),
    ]
    if analyze_policy_string is not None:
        runs.append((_feed(analyze_policy_string, texts[1600:2000]), 20))
        runs.append(
            (
                _feed(
                    lambda t: analyze_policy_string(t, include_community_auditors=True),
                    texts[2000:2400],
                ),
                20,
            )
        )
    timed = interleaved_us(runs, batches=15)
    ours, rules_only = timed[:2]
    core, full = (timed[2], timed[3]) if len(timed) == 4 else (None, None)
    results.append(
        Result(
            "every rule, parsed typical 2-statement policy",
            rules_only,
            "us",
            ">= 10x parliament core",
            "parliament core",
            core,
        )
    )
    results.append(
        Result(
            "JSON text -> schema (PE001) + every rule, typical policy",
            ours,
            "us",
            "",
            "parliament core",
            core,
        )
    )
    if full is not None:
        results.append(
            Result(
                "JSON text -> schema + every rule, typical policy",
                ours,
                "us",
                "",
                "parliament + community auditors",
                full,
            )
        )
    results += _policies()
    corpus = [json.dumps(c["policy"]) for c in _cases()]
    per_policy = median_us(
        lambda: [lint_text(t, kind="identity") for t in corpus], batch=2, batches=9
    ) / len(corpus)
    results.append(
        Result(
            f"JSON text -> findings, mean over the {len(corpus)}-policy corpus", per_policy, "us"
        )
    )
    shell = min(_shell_seconds() for _ in range(3))
    results.append(
        Result("`policy-engine lint`, bundled catalogue, from the shell", shell, "s", "<= 2 s")
    )
    results += _jobs()
    return results


@benchmark("lint-jobs")
def _jobs() -> list[Result]:
    """`policy-engine lint` of the 8x catalogue (24 tiers), whole process: serial and
    `--jobs 2`, interleaved in one run (each round runs both, the order alternating),
    medians of the wall times and of the CPU times (user + system, the workers'
    included); also alone: ``python -m bench.run lint-jobs``."""
    import os
    import resource
    import tempfile

    from bench._scaled import scaled_catalogue

    rounds = int(os.environ.get("BENCH_LINT_JOBS_RUNS", "7"))
    with tempfile.TemporaryDirectory() as tmp:
        root = str(scaled_catalogue(8, Path(tmp) / "c8"))
        variants: dict[str, list[str]] = {"serial": [], "jobs": ["--jobs", "2"]}
        outputs: dict[str, str] = {}
        wall: dict[str, list[float]] = {name: [] for name in variants}
        cpu: dict[str, list[float]] = {name: [] for name in variants}
        for round_ in range(rounds):
            order = list(variants) if round_ % 2 == 0 else list(variants)[::-1]
            for name in order:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "policy_engine",
                        "lint",
                        "--catalog",
                        root,
                        "--format",
                        "json",
                        *variants[name],
                    ],
                    capture_output=True,
                    text=True,
                )
                wall[name].append((time.perf_counter() - start) * 1000)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                cpu[name].append(used * 1000)
                if done.returncode != 0:
                    raise RuntimeError(f"lint of the 8x catalogue failed: {done.stderr[-400:]}")
                outputs[name] = re.sub(r'"seconds": [0-9.e-]+', "", done.stdout)
        if outputs["serial"] != outputs["jobs"]:
            raise RuntimeError("`lint --jobs 2` printed another report than the serial lint")
    serial = statistics.median(wall["serial"])
    serial_cpu = statistics.median(cpu["serial"])
    return [
        Result("`policy-engine lint`, 8x catalogue (24 tiers), whole process", serial, "ms"),
        Result(
            "  the same with --jobs 2 (interleaved with the serial runs)",
            statistics.median(wall["jobs"]),
            "ms",
            peer="serial",
            peer_value=serial,
        ),
        Result("  CPU time (user + system), serial", serial_cpu, "ms"),
        Result(
            "  CPU time, --jobs 2 (the workers included)",
            statistics.median(cpu["jobs"]),
            "ms",
            peer="serial",
            peer_value=serial_cpu,
        ),
    ]


def _both(
    name: str,
    ours: tuple[Any, list[Any], int],
    peer: tuple[Any, list[Any], int] | None,
    target: str,
    peer_name: str,
) -> list[Result]:
    """Ours and the peer, each ``(func, items, batch)``, timed in wall time and in CPU
    time (``time.process_time``: on a machine shared with other work, wall time also
    counts the time other processes held the core), each clock on its own items, none
    seen before, ours and the peer's batches in turn (:func:`interleaved_us`)."""
    out = []
    for half, (clock, timer) in enumerate(
        (("", time.perf_counter), (" (CPU time)", time.process_time))
    ):
        runs = []
        for func, items, batch in (ours,) if peer is None else (ours, peer):
            size = len(items) // 2
            runs.append((_feed(func, items[size * half : size * (half + 1)]), batch))
        timed = interleaved_us(runs, batches=15, clock=timer)
        theirs = timed[1] if peer is not None else None
        out.append(Result(name + clock, timed[0], "us", target, peer_name, theirs))
    return out


@benchmark("lint-policies")
def _policies() -> list[Result]:
    """The bad 14-statement and clean 20-statement policies, the hint, PE070 (also
    alone: ``python -m bench.run lint-policies``)."""
    from policy_engine.lint import RULES, lint_target
    from policy_engine.lint._suggest import action_hint, service_hint

    def lint(target: Any) -> list[Any]:
        return list(lint_target(target))

    def cold(target: Any) -> list[Any]:
        action_hint.cache_clear()
        service_hint.cache_clear()
        return list(lint_target(target))

    results = []
    try:
        from parliament import analyze_policy_string
    except ImportError:
        analyze_policy_string = None
    bad_texts = _variants("bad_14", 4000)
    core = None if analyze_policy_string is None else (analyze_policy_string, bad_texts[:800], 20)
    results += _both(
        "every rule, parsed bad 14-statement policy",
        (lint, _targets(bad_texts[800:2400]), 40),
        core,
        "<= 1 ms, ahead of parliament core",
        "parliament core",
    )
    cold_rows = _both(
        "the same, its 4 hints not memoised (each policy's typos new)",
        (cold, _targets(bad_texts[2400:]), 40),
        None,
        "",
        "parliament core",
    )
    # the peer measured once above, beside each clock's row
    results += [
        replace(r, peer_value=p.peer_value) for r, p in zip(cold_rows, results[-2:], strict=True)
    ]
    try:
        from cloudsplaining.command.scan_policy_file import scan_policy
    except ImportError:
        scan_policy = None
    good_texts = _variants("good_20", 2400)
    docs = [json.loads(t) for t in good_texts[:800]]
    results += _both(
        "every rule, parsed clean 20-statement policy",
        (lint, _targets(good_texts[800:]), 40),
        None if scan_policy is None else (scan_policy, docs, 20),
        "<= 500 us, ahead of cloudsplaining",
        "cloudsplaining scan_policy",
    )
    typos = _typos(2100)
    for typo in typos:  # each service's index is built once per process, on first use
        action_hint(typo)
    action_hint.cache_clear()  # then every timed word is new to the memo
    results += _both(
        '"did you mean" for one unknown action',
        (action_hint, typos[:1700], 50),
        (_difflib_hint, typos[1700:], 10),
        "<= 200 us",
        "difflib scan (before)",
    )
    check = RULES["PE070"].check
    for n in (20, 200):
        targets = _many_statements(n)
        per = median_us(lambda ts=targets: [list(check(t)) for t in ts], batch=1, batches=9)
        results.append(
            Result(
                f"redundant-statement rule (PE070), {n} statements, per statement",
                per / len(targets) / n,
                "us",
                "near-linear",
            )
        )
    return results
