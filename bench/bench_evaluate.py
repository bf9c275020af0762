"""One decision over a typical tenant policy: ours, principalmapper, iam-simulate."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench._harness import Result, benchmark, interleaved_us, median_us

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT / "tests" / "oracle"
SESSION = "arn:aws:sts::111122223333:assumed-role/saas-tenant-basic/acme-corp"
TABLE = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"
BUCKET = "arn:aws:s3:::saas-documents-111122223333"


def _requests() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("dynamodb:GetItem", TABLE, {"dynamodb:LeadingKeys": ["acme-corp"]}),
        ("dynamodb:Query", TABLE, {"dynamodb:LeadingKeys": ["globex"]}),
        ("dynamodb:Scan", TABLE, {}),
        ("s3:GetObject", f"{BUCKET}/acme-corp/report.pdf", {}),
        ("s3:GetObject", f"{BUCKET}/acme/report.pdf", {}),
        ("s3:ListBucket", BUCKET, {"s3:prefix": "acme-corp/"}),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-acme-corp", {}),
        (
            "secretsmanager:GetSecretValue",
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:saas/tenants/acme-corp/db-AbCdEf",
            {},
        ),
    ]


def _pmapper() -> Any:
    import collections
    import collections.abc

    # principalmapper predates Python 3.10: alias the ABCs it imports from collections.
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
    collections.MutableMapping = collections.abc.MutableMapping  # type: ignore[attr-defined]
    from principalmapper.querying import local_policy_simulation as sim
    from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict

    return sim, CaseInsensitiveDict


@benchmark("evaluate")
def evaluate_bench() -> list[Result]:
    from policy_engine.catalog import default_catalog
    from policy_engine.evaluate import Evaluator, Request
    from policy_engine.model import policy_to_obj
    from policy_engine.render import Renderer

    policy = Renderer(default_catalog()).render_tier("acme-corp", "basic")
    doc = policy_to_obj(policy)
    evaluator = Evaluator.of(identity=[policy])
    reqs = [Request(a, r, c, principal=SESSION) for a, r, c in _requests()]
    ours_decisions = [evaluator.evaluate(r).decision for r in reqs]

    def run_ours() -> None:
        for r in reqs:
            evaluator.evaluate(r)

    ours = median_us(run_ours, batch=200) / len(reqs)
    results = [
        Result(f"decision, {len(policy)}-statement tenant policy (ours)", ours, "us", "<= 5 us"),
    ]

    try:
        sim_cid: tuple[Any, Any] | None = _pmapper()
    except ImportError:
        sim_cid = None
        results.append(
            Result("principalmapper: not installed (pip install principalmapper)", 0, "")
        )
    else:
        sim, cid = sim_cid
        contexts = [cid(dict(c.items())) for _, _, c in _requests()]

        def run_pmapper() -> None:
            for (a, r, _), ctx in zip(_requests(), contexts, strict=True):
                if not sim.policy_has_matching_statement(doc, "Deny", a, r, ctx):
                    sim.policy_has_matching_statement(doc, "Allow", a, r, ctx)

        peer = median_us(run_pmapper, batch=20) / len(reqs)
        results.append(
            Result(
                "  ours vs principalmapper local simulation",
                ours,
                "us",
                "peer >= 10x slower",
                "principalmapper",
                peer,
            )
        )

    if shutil.which("node") and (ORACLE / "node_modules").is_dir():
        cases = [
            {"identity": [doc], "action": a, "resource_arn": r, "principal": SESSION, "context": c}
            for a, r, c in _requests()
        ]
        out = subprocess.run(
            ["node", str(ORACLE / "bench.mjs")],
            input=json.dumps(cases),
            capture_output=True,
            text=True,
            check=True,
            cwd=ORACLE,
        ).stdout
        node = json.loads(out)
        results.append(
            Result(
                "  ours vs iam-simulate (node, timed in-process)",
                ours,
                "us",
                "",
                "iam-simulate",
                node["median_us"],
            )
        )
        names = {
            "Allowed": "allow",
            "ExplicitlyDenied": "explicit_deny",
            "ImplicitlyDenied": "implicit_deny",
        }
        agree = sum(names[d] == o for d, o in zip(node["decisions"], ours_decisions, strict=True))
        results.append(
            Result(f"  decisions agreeing with iam-simulate (of {len(reqs)})", agree, "")
        )
    # Never-seen requests: every one names a new object, so no decision is remembered;
    # the peer decides the same stream (it keeps nothing per request either).
    results += _never_seen(evaluator, doc, sim_cid)
    results += _abac(sim_cid)
    decisions_s = 1e6 / ours
    results.append(Result("decisions per second (ours)", decisions_s, "/s"))
    return results


def _in_turn(runs: list[tuple[Callable[[], object], int]]) -> list[float]:
    """Each run's median time of one call: ours and the peer's batches in turn
    (:func:`interleaved_us`), so a drift in the machine's speed touches both."""
    return interleaved_us(runs, batches=25)


def _peer_line(name: str, ours: float, target: str, peer: float | None) -> Result:
    if peer is None:
        return Result(name, ours, "us", target)
    return Result(name, ours, "us", target, "principalmapper", peer)


def _fresh(n: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The requests of :func:`_requests`, each never seen before: a new object or
    secret name where the policy has a wildcard, else a new context value (an extra
    request tag), so that the decisions stay those of the repeated mix."""
    tag = {"aws:RequestTag/n": str(n)}
    secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:saas/tenants/acme-corp"
    return [
        ("dynamodb:GetItem", TABLE, {"dynamodb:LeadingKeys": ["acme-corp"], **tag}),
        ("dynamodb:Query", TABLE, {"dynamodb:LeadingKeys": ["globex"], **tag}),
        ("dynamodb:Scan", TABLE, tag),
        ("s3:GetObject", f"{BUCKET}/acme-corp/{n}/report.pdf", {}),
        ("s3:GetObject", f"{BUCKET}/acme/{n}/report.pdf", {}),
        ("s3:ListBucket", BUCKET, {"s3:prefix": f"acme-corp/{n}/"}),
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-1:111122223333:saas-jobs-acme-corp", tag),
        ("secretsmanager:GetSecretValue", f"{secret}/db-{n}-AbCdEf", {}),
    ]


def _never_seen(
    evaluator: Any, doc: dict[str, Any], sim_cid: tuple[Any, Any] | None
) -> list[Result]:
    from policy_engine.evaluate import Request

    counter = iter(range(10**9))
    size = len(_fresh(0))
    expected = [evaluator.evaluate(Request(a, r, c, principal=SESSION)) for a, r, c in _requests()]
    fresh = [evaluator.evaluate(Request(a, r, c, principal=SESSION)) for a, r, c in _fresh(-1)]
    assert [d.decision for d in fresh] == [d.decision for d in expected]

    def run_mix() -> None:
        for a, r, c in _fresh(next(counter)):
            evaluator.evaluate(Request(a, r, c, principal=SESSION))

    def run_object() -> None:
        n = next(counter)
        evaluator.evaluate(
            Request("s3:GetObject", f"{BUCKET}/acme-corp/{n}.pdf", {}, principal=SESSION)
        )

    def run_object_parts() -> None:
        evaluator.decide("s3:GetObject", f"{BUCKET}/acme-corp/{next(counter)}.pdf", None, SESSION)

    def run_nothing_cached() -> None:
        n = next(counter)
        evaluator.clear_caches()
        evaluator.evaluate(
            Request("s3:GetObject", f"{BUCKET}/acme-corp/{n}.pdf", {}, principal=SESSION)
        )

    runs: list[tuple[Callable[[], object], int]] = [
        (run_mix, 100),
        (run_object, 500),
        (run_object_parts, 500),
        (run_nothing_cached, 500),
    ]
    if sim_cid is not None:
        sim, cid = sim_cid

        def decide(action: str, resource: str, keys: Any) -> None:
            if not sim.policy_has_matching_statement(doc, "Deny", action, resource, keys):
                sim.policy_has_matching_statement(doc, "Allow", action, resource, keys)

        def run_pmapper_mix() -> None:
            for a, r, c in _fresh(next(counter)):
                decide(a, r, cid(c))

        empty = cid({})

        def run_pmapper_object() -> None:
            decide("s3:GetObject", f"{BUCKET}/acme-corp/{next(counter)}.pdf", empty)

        runs += [(run_pmapper_mix, 10), (run_pmapper_object, 50)]
    timed = _in_turn(runs)
    mix, obj, parts, nothing = timed[0] / size, timed[1], timed[2], timed[3]
    peer_mix, peer_obj = (timed[4] / size, timed[5]) if len(timed) > 4 else (None, None)
    return [
        _peer_line(
            f"decision, never-seen requests ({size} above, new object/secret or context)",
            mix,
            "<= 3 us, >= 5x principalmapper",
            peer_mix,
        ),
        _peer_line(
            "  s3:GetObject of a never-seen object, Evaluator.decide (parts in, as the peer)",
            parts,
            "<= 3 us, >= 5x principalmapper",
            peer_obj,
        ),
        _peer_line(
            "  the same through Request(...) + evaluate (builds the Request)",
            obj,
            "<= 3 us",
            peer_obj,
        ),
        _peer_line(
            "  the same with no plan cached (evaluator caches cleared)", nothing, "", peer_obj
        ),
    ]


def _abac(sim_cid: tuple[Any, Any] | None) -> list[Result]:
    """The ABAC role policy: a resource with ``${aws:PrincipalTag/TenantId}``, a new
    tenant tag and object per request."""
    from policy_engine.catalog import default_catalog
    from policy_engine.evaluate import Evaluator, Request
    from policy_engine.model import policy_to_obj
    from policy_engine.render import Renderer

    roles = Renderer(default_catalog()).render_role_policies("standard")
    found = [
        (name, policy, r)
        for name, policy in sorted(roles.items())
        for s in policy.statements
        for r in s.resource or ()
        if "${aws:PrincipalTag/TenantId}" in r
    ]
    if not found:
        return [Result("ABAC role policy: none in the bundled catalogue", 0, "")]
    name, policy, pattern = found[0]
    doc = policy_to_obj(policy)
    prefix = pattern.split("${", 1)[0]
    evaluator = Evaluator.of(identity=[policy])
    counter = iter(range(10**9))

    def request_parts() -> tuple[str, dict[str, str]]:
        n = next(counter)
        tenant = f"t{n % 1000}"
        return f"{prefix}{tenant}/o{n}.csv", {"aws:PrincipalTag/TenantId": tenant}

    def run_ours() -> None:
        resource, context = request_parts()
        evaluator.evaluate(Request("s3:GetObject", resource, context, principal=SESSION))

    def run_parts() -> None:
        resource, context = request_parts()
        evaluator.decide("s3:GetObject", resource, context, SESSION)

    runs: list[tuple[Callable[[], object], int]] = [(run_ours, 500), (run_parts, 500)]
    if sim_cid is not None:
        sim, cid = sim_cid

        def run_pmapper() -> None:
            resource, context = request_parts()
            keys = cid(context)
            if not sim.policy_has_matching_statement(doc, "Deny", "s3:GetObject", resource, keys):
                sim.policy_has_matching_statement(doc, "Allow", "s3:GetObject", resource, keys)

        runs.append((run_pmapper, 50))
    timed = _in_turn(runs)
    ours, parts = timed[:2]
    peer = timed[2] if len(timed) > 2 else None
    return [
        _peer_line(
            f"decision, ABAC role policy `{name}` (tag variable), never-seen tenant and object",
            ours,
            "<= 3 us",
            peer,
        ),
        _peer_line(
            "  the same through Evaluator.decide (parts in, as the peer)", parts, "<= 3 us", peer
        ),
    ]


@benchmark("evaluate-shapes")
def evaluate_shapes_bench() -> list[Result]:
    """The never-seen shapes of ``evaluate`` on hand-written policies with other
    names, accounts and keys (not the bundled catalogue): the speed comes from the
    shape of a policy, not its strings."""
    from policy_engine.evaluate import Evaluator, Request
    from policy_engine.model import policy_from_obj

    account = "444455556666"
    session = f"arn:aws:sts::{account}:assumed-role/media-reader/globex-inc"
    bucket = f"arn:aws:s3:::media-archive-{account}"
    table = f"arn:aws:dynamodb:us-east-2:{account}:table/ledger"
    doc: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": [f"{bucket}/globex-inc/*", f"{bucket}/shared/*"],
            },
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"{bucket}/teams/${{aws:PrincipalTag/Team}}/${{aws:username}}/*",
            },
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": bucket,
                "Condition": {"StringLike": {"s3:prefix": ["globex-inc/*", "shared/*"]}},
            },
            {
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": table,
                "Condition": {
                    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["globex-inc"]},
                    "Null": {"dynamodb:LeadingKeys": "false"},
                },
            },
        ],
    }
    evaluator = Evaluator.of(identity=[policy_from_obj(doc)])
    counter = iter(range(10**9))

    def fresh(n: int) -> list[tuple[str, str, dict[str, Any]]]:
        team = f"team{n % 97}"
        return [
            ("s3:GetObject", f"{bucket}/globex-inc/{n}/clip.mp4", {}),
            ("s3:PutObject", f"{bucket}/shared/{n}.txt", {}),
            ("s3:GetObject", f"{bucket}/initech/{n}.txt", {}),
            (
                "s3:GetObject",
                f"{bucket}/teams/{team}/u{n}/a.txt",
                {"aws:PrincipalTag/Team": team, "aws:username": f"u{n}"},
            ),
            ("s3:ListBucket", bucket, {"s3:prefix": f"shared/{n}/"}),
            ("dynamodb:GetItem", table, {"dynamodb:LeadingKeys": ["globex-inc"], "k:n": str(n)}),
        ]

    expected = ["allow", "allow", "implicit_deny", "allow", "allow", "allow"]
    got = [evaluator.evaluate(Request(a, r, c, principal=session)).decision for a, r, c in fresh(1)]
    assert got == expected, got
    size = len(expected)

    def run_mix() -> None:
        for a, r, c in fresh(next(counter)):
            evaluator.evaluate(Request(a, r, c, principal=session))

    def run_object() -> None:
        n = next(counter)
        evaluator.evaluate(
            Request("s3:GetObject", f"{bucket}/globex-inc/{n}.mp4", {}, principal=session)
        )

    def run_object_parts() -> None:
        evaluator.decide("s3:GetObject", f"{bucket}/globex-inc/{next(counter)}.mp4", None, session)

    def run_abac() -> None:
        n = next(counter)
        team = f"team{n % 97}"
        context = {"aws:PrincipalTag/Team": team, "aws:username": f"u{n}"}
        resource = f"{bucket}/teams/{team}/u{n}/a.txt"
        evaluator.evaluate(Request("s3:GetObject", resource, context, principal=session))

    def run_abac_parts() -> None:
        n = next(counter)
        team = f"team{n % 97}"
        context = {"aws:PrincipalTag/Team": team, "aws:username": f"u{n}"}
        evaluator.decide("s3:GetObject", f"{bucket}/teams/{team}/u{n}/a.txt", context, session)

    runs: list[tuple[Callable[[], object], int]] = [
        (run_mix, 100),
        (run_object, 500),
        (run_object_parts, 500),
        (run_abac, 500),
        (run_abac_parts, 500),
    ]
    try:
        sim, cid = _pmapper()
    except ImportError:
        pass
    else:

        def decide(action: str, resource: str, keys: Any) -> None:
            if not sim.policy_has_matching_statement(doc, "Deny", action, resource, keys):
                sim.policy_has_matching_statement(doc, "Allow", action, resource, keys)

        def run_pmapper_mix() -> None:
            for a, r, c in fresh(next(counter)):
                decide(a, r, cid(c))

        empty = cid({})

        def run_pmapper_object() -> None:
            decide("s3:GetObject", f"{bucket}/globex-inc/{next(counter)}.mp4", empty)

        def run_pmapper_abac() -> None:
            n = next(counter)
            team = f"team{n % 97}"
            keys = cid({"aws:PrincipalTag/Team": team, "aws:username": f"u{n}"})
            decide("s3:GetObject", f"{bucket}/teams/{team}/u{n}/a.txt", keys)

        runs += [(run_pmapper_mix, 10), (run_pmapper_object, 50), (run_pmapper_abac, 50)]
    timed = _in_turn(runs)
    mix, obj, parts, abac, abac_parts = timed[0] / size, *timed[1:5]
    peer_mix = peer_obj = peer_abac = None
    if len(timed) > 5:
        peer_mix, peer_obj, peer_abac = timed[5] / size, timed[6], timed[7]
    return [
        _peer_line(
            f"other names: never-seen mix ({size} requests, 4-statement policy)",
            mix,
            "<= 3 us, >= 5x principalmapper",
            peer_mix,
        ),
        _peer_line(
            "  s3:GetObject of a never-seen object, Evaluator.decide (parts in)",
            parts,
            "<= 3 us, >= 5x principalmapper",
            peer_obj,
        ),
        _peer_line("  the same through Request(...) + evaluate", obj, "<= 3 us", peer_obj),
        _peer_line(
            "  two tag/username variables, never-seen team, user and object",
            abac,
            "<= 3 us",
            peer_abac,
        ),
        _peer_line(
            "  the same through Evaluator.decide (parts in)", abac_parts, "<= 3 us", peer_abac
        ),
    ]
