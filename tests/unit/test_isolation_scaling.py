"""The proof at scale: results shared between checks only when every input agrees, and
``--jobs N`` giving the serial run's output."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import LANG

from policy_engine.catalog import Partition, ResourceSpec, default_catalog
from policy_engine.cli import run
from policy_engine.isolation import check_catalog, check_isolation
from policy_engine.render import TENANT_MARKER as T

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench._scaled import scaled_catalogue

QUEUES = "arn:aws:sqs:eu-west-1:111122223333:jobs"


def _session(resource: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": resource}],
    }


# Two resource models that differ only in the partitions of one queue family: the
# residual shape "names of `jobs-*` that are no tenant's partition" has the same target
# string in both, and leaves out different names.
WITH_DLQ = ResourceSpec(
    "queues",
    "sqs",
    QUEUES + "-*",
    (Partition(arn=QUEUES + "-{tenant}"), Partition(arn=QUEUES + "-{tenant}_dl?")),
)
WITHOUT_DLQ = ResourceSpec("queues", "sqs", QUEUES + "-*", (Partition(arn=QUEUES + "-{tenant}"),))


@pytest.mark.parametrize("first", [WITH_DLQ, WITHOUT_DLQ])
def test_residual_shapes_differing_only_in_exclusions_share_nothing(first: ResourceSpec) -> None:
    """`jobs-acme_dlq` is acme's own dead-letter queue in one model (`jobs-{tenant}_dl?`:
    a `?` keeps the cheap string prune out, so the automaton search decides) and a
    queue of no tenant (every tenant's, key-less) in the other. Whichever model is checked first,
    the other gets its own answer: the search of the residual shape is keyed on what it
    leaves out, not only on its target string."""
    session = _session(f"{QUEUES}-{T}_dlq")
    hint = frozenset(QUEUES + "-_dlq?")  # one alphabet for both checks

    def check(model: ResourceSpec) -> str:
        return check_isolation(session, [], [model], LANG, sigma_hint=hint).status

    second = WITHOUT_DLQ if first is WITH_DLQ else WITH_DLQ
    answers = {first.partitions: check(first), second.partitions: check(second)}
    assert answers[WITH_DLQ.partitions] == "proved"
    assert answers[WITHOUT_DLQ.partitions] == "violation"


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _untimed(text: str, fmt: str) -> str:
    """The output less the per-tier timings (which differ between any two runs)."""
    if fmt == "json":
        return re.sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text)
    return re.sub(r", \d+ ms\)", ", _ ms)", text)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_jobs_output_is_the_serial_output_on_the_bundled_catalogue(fmt: str) -> None:
    serial = _cli("check-isolation", "--format", fmt)
    parallel = _cli("check-isolation", "--format", fmt, "--jobs", "3")
    assert serial[0] == parallel[0] == 0
    assert _untimed(parallel[1], fmt) == _untimed(serial[1], fmt)
    assert re.search(r", \d+ ms\)|\"seconds\"", serial[1])  # the masked part exists


def test_jobs_output_is_the_serial_output_on_a_scaled_catalogue_with_findings(
    tmp_path: Path,
) -> None:
    """A 2x catalogue with a leak in one copy's template: violations, their
    counterexamples and the tier order are the same serially and with 2 or 4 workers."""
    root = scaled_catalogue(2, tmp_path / "c2")
    leaky = root / "session" / "documents_2.json.j2"
    text = leaky.read_text(encoding="utf-8")
    assert '/{{ tenant }}/*"' in text
    leaky.write_text(text.replace('/{{ tenant }}/*"', '/{{ tenant }}*"'), encoding="utf-8")
    serial = _cli("check-isolation", "--catalog", str(root), "--format", "json")
    assert serial[0] == 1
    doc = json.loads(serial[1])
    assert list(doc["tiers"]) == [
        "basic",
        "standard",
        "premium",
        "basic_2",
        "standard_2",
        "premium_2",
    ]
    assert any(t["status"] == "violation" for t in doc["tiers"].values())
    for jobs in ("2", "4"):
        for fmt in ("json", "text"):
            base = serial if fmt == "json" else _cli("check-isolation", "--catalog", str(root))
            got = _cli("check-isolation", "--catalog", str(root), "--format", fmt, "--jobs", jobs)
            assert got[0] == base[0] == 1
            assert _untimed(got[1], fmt) == _untimed(base[1], fmt)


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5", ""])
def test_jobs_must_be_a_whole_number_of_processes(value: str) -> None:
    code, out, err = _cli("check-isolation", "--jobs", value)
    assert code == 2
    assert out == ""
    assert "--jobs" in err
    assert "whole number" in err


@pytest.mark.parametrize("value", [0, -1, 1.0, True, "2"])
def test_check_catalog_refuses_a_bad_jobs_value(value: Any) -> None:
    with pytest.raises(ValueError, match="jobs must be a whole number"):
        check_catalog(default_catalog(), jobs=value)


DOCS = ResourceSpec(
    "documents", "s3", "arn:aws:s3:::docs", (Partition(arn="arn:aws:s3:::docs/{tenant}/*"),)
)


@pytest.mark.parametrize(
    ("role_resource", "status"),
    [
        ("arn:aws:s3:::docs/${aws:PrincipalTag/TenantId}/*", "proved"),
        # the slot not closed by a character outside the alphabet: no prune, the
        # search finds acme reading acme-corp's objects
        ("arn:aws:s3:::docs/${aws:PrincipalTag/TenantId}*", "violation"),
        ("arn:aws:s3:::docs/${aws:PrincipalTag/TenantId}-x/*", "violation"),
    ],
)
def test_aligned_slots_written_as_the_tenant_tag(role_resource: str, status: str) -> None:
    session = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::docs/*"}
        ],
    }
    role = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": role_resource}],
    }
    assert check_isolation(session, [role], [DOCS], LANG).status == status
