"""`policy-engine plan`: every quota line for the bundled catalogue, the arithmetic,
exceeded quotas, and bad input."""

from __future__ import annotations

import io
import json

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.deploy.plan import PlanError, build_plan, parse_tenants
from policy_engine.deploy.quotas import QUOTAS

TENANTS = "basic=5000,standard=800,premium=40"
EVERY = {
    "iam.roles",
    "apigw.api_keys",
    "apigw.usage_plans",
    "apigw.usage_plans_per_key",
    "apigw.throttle_rps",
    "apigw.throttle_burst",
    "lambda.concurrency",
    "dynamodb.tables",
    "s3.buckets",
    "sts.assume_role_rate",
    "sts.session_policy_chars",
}


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_every_quota_is_planned_with_a_source() -> None:
    code, out, _ = cli("plan", "--tenants", TENANTS, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    lines = doc["lines"]
    assert {line["key"] for line in lines} == EVERY
    for line in lines:
        assert line["source"].startswith("https://docs.aws.amazon.com/")
        assert line["when_it_runs_out"]
        assert line["status"] in ("ok", "near", "exceeded", "unknown")
    by_key = {line["key"]: line for line in lines}
    assert by_key["dynamodb.tables"]["need"] == 1 + 40  # pooled orders + one per premium
    assert by_key["s3.buckets"]["need"] == 2
    assert by_key["apigw.api_keys"]["need"] == 3
    assert by_key["apigw.api_keys"]["headroom"] == 10000 - 3
    assert by_key["lambda.concurrency"]["need"] == (20 + 30 + 50) * 5 + 100
    sts = by_key["sts.assume_role_rate"]
    assert sts["default_quota"] is None
    assert sts["status"] == "unknown"
    assert sts["need"] == pytest.approx(
        5000 * 5 * 20 / 900 + 800 * 5 * 30 / 3600 + 40 * 5 * 50 / 3600
    )
    sizes = [line for line in lines if line["key"] == "sts.session_policy_chars"]
    assert len(sizes) == 3  # one per tier
    assert all("32 characters" in line["detail"] for line in sizes)


def test_text_names_every_quota() -> None:
    code, out, _ = cli("plan", "--tenants", TENANTS)
    assert code == 0
    for key in EVERY:
        assert QUOTAS[key].name in out
    assert "when it runs out:" in out
    assert "source: https://" in out


def test_exceeded_quota_exits_1() -> None:
    code, out, _ = cli("plan", "--tenants", "premium=3000", "--functions", "20")
    assert code == 1
    assert "[exceeded] DynamoDB tables per account per Region: need 3,001" in out
    assert "[exceeded] Lambda concurrent executions per Region" in out


def test_warm_containers_override() -> None:
    catalog = load_catalog()
    plan = build_plan(catalog, {"basic": 900}, functions=2, warm_containers=3)
    (line,) = [ln for ln in plan.lines if ln.quota.key == "sts.assume_role_rate"]
    assert line.need == pytest.approx(900 * 2 * 3 / 900)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("gold=1", "`gold` is not a tier"),
        ("basic", "write TIER=COUNT"),
        ("basic=x", "whole number"),
        ("basic=-1", "0 or more"),
        ("basic=1,basic=2", "given twice"),
        ("", "no tenants given"),
    ],
)
def test_bad_tenants(text: str, words: str) -> None:
    with pytest.raises(PlanError, match=words):
        parse_tenants(text, load_catalog())
    code, out, err = cli("plan", "--tenants", text)
    assert code == 2
    assert out == ""
    assert words.strip("`") in err.replace("`", "") or words in err
