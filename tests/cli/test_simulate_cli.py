from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run

CASES = Path(__file__).parents[1] / "cases" / "aws_documented.json"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, obj: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(obj) if not isinstance(obj, str) else obj, encoding="utf-8")
    return str(path)


ROLE = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Docs", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::docs/*"}
    ],
}
SESSION = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Own",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::docs/${aws:PrincipalTag/TenantId}/*",
        }
    ],
}


def tenant_request(tmp_path: Path, resource: str) -> list[str]:
    """`simulate` arguments: role and session policies, acme's tag, GetObject."""
    return [
        "simulate",
        "--policy",
        write(tmp_path, "r.json", ROLE),
        "--session-policy",
        write(tmp_path, "s.json", SESSION),
        "--action",
        "s3:GetObject",
        "--resource",
        resource,
        "--context-json",
        write(tmp_path, "c.json", {"aws:PrincipalTag/TenantId": "acme"}),
    ]


def test_simulate_json_allow(tmp_path: Path) -> None:
    code, out, err = cli(
        *tenant_request(tmp_path, "arn:aws:s3:::docs/acme/a"),
        "--format",
        "json",
        "--expect",
        "allow",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["decision"] == "allow"
    assert [m["sid"] for m in doc["matched"]] == ["Docs", "Own"]


def test_simulate_expect_mismatch_exits_1(tmp_path: Path) -> None:
    code, out, _ = cli(*tenant_request(tmp_path, "arn:aws:s3:::docs/globex/a"), "--expect", "allow")
    assert code == 1
    assert out.startswith("implicit_deny: the session policy does not allow")


def test_simulate_expect_deny_passes_on_deny(tmp_path: Path) -> None:
    code, _, _ = cli(
        "simulate",
        "--policy",
        write(tmp_path, "r.json", ROLE),
        "--action",
        "sqs:SendMessage",
        "--resource",
        "arn:aws:sqs:eu-west-1:111122223333:q",
        "--expect",
        "deny",
    )
    assert code == 0


def test_cases_file_all_pass() -> None:
    code, out, err = cli("simulate", "--cases", str(CASES))
    assert code == 0, err
    assert out.strip().splitlines()[-1] == f"{len(json.loads(CASES.read_text()))} passed, 0 failed"


def test_cases_file_reports_failures_by_label(tmp_path: Path) -> None:
    cases = [
        {
            "label": "ok",
            "identity": ROLE,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::docs/a",
            "expected": True,
        },
        {
            "label": "wrong expectation",
            "identity": ROLE,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::other/a",
            "expected": True,
        },
    ]
    path = write(tmp_path, "cases.json", cases)
    code, out, _ = cli("simulate", "--cases", path)
    assert code == 1
    assert "FAIL wrong expectation: expected allow, got implicit_deny" in out
    assert out.strip().splitlines()[-1] == "1 passed, 1 failed"
    code, out, _ = cli("simulate", "--cases", path, "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["passed"] == 1
    assert doc["failed"] == 1
    assert doc["results"][1] == {
        "label": "wrong expectation",
        "decision": "implicit_deny",
        "expected": True,
        "ok": False,
    }


@pytest.mark.parametrize(
    ("policy_text", "fragment"),
    [
        ('{"Statement": [', "invalid JSON at line 1, column"),
        (
            json.dumps({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}),
            "$.Statement[0].Effect",
        ),
        (
            json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "*",
                            "Resource": "*",
                            "Condition": {"IpAddress": {"aws:SourceIp": "1.2.3.999/8"}},
                        }
                    ]
                }
            ),
            "not a CIDR block",
        ),
        (
            json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "*",
                            "Resource": "*",
                            "Condition": {"Foo": {"a:b": "c"}},
                        }
                    ]
                }
            ),
            "unknown condition operator",
        ),
    ],
)
def test_bad_policies_exit_2(tmp_path: Path, policy_text: str, fragment: str) -> None:
    code, out, err = cli(
        "simulate",
        "--policy",
        write(tmp_path, "p.json", policy_text),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
    )
    assert code == 2
    assert out == ""
    assert fragment in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["simulate", "--action", "s3:GetObject"], "simulate needs --policy, --resource"),
        (
            ["simulate", "--policy", "/nonexistent.json", "--action", "a:b", "--resource", "*"],
            "cannot read identity policy",
        ),
        (["simulate", "--cases", str(CASES), "--action", "s3:GetObject"], "do not combine"),
        (["simulate", "--cases", "/nonexistent.json"], "cannot read cases file"),
    ],
)
def test_simulate_usage_errors(argv: list[str], fragment: str) -> None:
    code, out, err = cli(*argv)
    assert code == 2
    assert out == ""
    assert fragment in err


def test_bad_cases_file_names_the_case(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "c.json",
        [
            {
                "label": "x",
                "identity": ROLE,
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::docs/a",
                "expected": "yes",
            }
        ],
    )
    code, out, err = cli("simulate", "--cases", path)
    assert code == 2
    assert out == ""
    assert "$[0].expected" in err
