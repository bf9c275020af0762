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


# -- resource policies, principals, resource accounts (issue 14) --------------------------

QUEUE = "arn:aws:sqs:eu-west-1:111122223333:jobs"
PARTNER = "arn:aws:sts::444455556666:assumed-role/partner-role/job"
SQS_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"}],
}


def queue_policy(principal: Any) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Send",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "sqs:SendMessage",
                "Resource": QUEUE,
            }
        ],
    }


def test_resource_account_is_read_from_the_arn(tmp_path: Path) -> None:
    """A partner session with an identity allow is denied on a queue of another
    account until the queue policy names it: the account comes from the ARN."""
    base = [
        "simulate",
        "--policy",
        write(tmp_path, "id.json", SQS_ALL),
        "--principal",
        PARTNER,
        "--action",
        "sqs:SendMessage",
        "--resource",
        QUEUE,
    ]
    code, out, _ = cli(*base, "--expect", "deny")
    assert code == 0
    assert out.startswith("implicit_deny: cross-account request")
    policy = write(tmp_path, "q.json", queue_policy({"AWS": "444455556666"}))
    code, out, err = cli(*base, "--resource-policy", policy, "--expect", "allow")
    assert code == 0, err
    assert "  Allow resource resource[0]:Send" in out


def test_resource_account_flag_for_arns_without_one(tmp_path: Path) -> None:
    argv = [
        "simulate",
        "--policy",
        write(tmp_path, "r.json", ROLE),
        "--principal",
        PARTNER,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::docs/a",
        "--format",
        "json",
    ]
    _, out, _ = cli(*argv)
    assert json.loads(out)["decision"] == "allow"  # no account in the ARN: same account
    _, out, _ = cli(*argv, "--resource-account", "111122223333")
    assert json.loads(out)["decision"] == "implicit_deny"


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("s3.amazonaws.com", "allow"),
        ("sns.amazonaws.com", "implicit_deny"),
        ("arn:aws:iam::111122223333:root", "allow"),
    ],
)
def test_principals_without_identity_policies(
    tmp_path: Path, principal: str, expected: str
) -> None:
    code, out, err = cli(
        "simulate",
        "--resource-policy",
        write(tmp_path, "q.json", queue_policy({"Service": "s3.amazonaws.com"})),
        "--principal",
        principal,
        "--action",
        "sqs:SendMessage",
        "--resource",
        QUEUE,
        "--format",
        "json",
    )
    assert code == 0, err
    assert json.loads(out)["decision"] == expected


def test_user_named_by_a_resource_policy_passes_its_boundary(tmp_path: Path) -> None:
    user = "arn:aws:iam::111122223333:user/alice"
    code, out, err = cli(
        "simulate",
        "--policy",
        write(tmp_path, "id.json", ROLE),
        "--boundary",
        write(tmp_path, "b.json", ROLE),
        "--resource-policy",
        write(tmp_path, "q.json", queue_policy({"AWS": user})),
        "--principal",
        user,
        "--action",
        "sqs:SendMessage",
        "--resource",
        QUEUE,
        "--expect",
        "allow",
    )
    assert code == 0, err
    assert out.startswith("allow: a resource-based policy grants the principal itself")


def test_cases_file_carries_principal_and_resource_account(tmp_path: Path) -> None:
    case = {
        "label": "partner without a queue policy",
        "identity": SQS_ALL,
        "principal": PARTNER,
        "resource_account": "111122223333",
        "action": "sqs:SendMessage",
        "resource": "arn:aws:sqs:eu-west-1:111122223333:jobs",
        "expected": False,
    }
    service = {
        "label": "service named by the queue policy",
        "principal": "s3.amazonaws.com",
        "resource_policy": queue_policy({"Service": "s3.amazonaws.com"}),
        "action": "sqs:SendMessage",
        "resource": QUEUE,
        "expected": True,
    }
    code, out, err = cli("simulate", "--cases", write(tmp_path, "c.json", [case, service]))
    assert (code, out) == (0, "2 passed, 0 failed\n"), err


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--principal", "arn:aws:iam::111122223333:role/r"], "give the ARN of its session"),
        (["--resource-account", "12"], "12-digit"),
        (
            ["--principal", "arn:aws:iam::111122223333:user/alice", "--session-policy", "{s}"],
            "session policies apply only",
        ),
    ],
)
def test_simulate_principal_usage_errors(tmp_path: Path, extra: list[str], fragment: str) -> None:
    session = write(tmp_path, "s.json", SESSION)
    code, out, err = cli(
        "simulate",
        "--policy",
        write(tmp_path, "r.json", ROLE),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::docs/a",
        *[session if e == "{s}" else e for e in extra],
    )
    assert code == 2
    assert out == ""
    assert fragment in err


def test_a_deny_names_the_policy_variable_the_request_left_without_value(
    tmp_path: Path,
) -> None:
    """`simulate` of an ABAC session policy without the tag it reads: the deny said
    only that the session policy does not allow, while the cause is that
    `${aws:PrincipalTag/TenantId}` has no value (found adopting, h11-adopt). Now a note
    names it; with the tag given, or on an allow, there is none."""
    args = tenant_request(tmp_path, "arn:aws:s3:::docs/acme/a")
    without = args[: args.index("--context-json")]
    code, out, _ = cli(*without)
    assert code == 0
    assert out.startswith("implicit_deny")
    assert "note: policy variable `${aws:PrincipalTag/TenantId}` has no value" in out
    code, out, _ = cli(*without, "--format", "json")
    assert json.loads(out)["notes"] == [
        "policy variable `${aws:PrincipalTag/TenantId}` has no value in the request (give "
        "it with --context-json): a statement that needs it matches nothing"
    ]
    # a set of values is no value either; one value, or an allow, gives no note
    many = write(tmp_path, "m.json", {"aws:PrincipalTag/TenantId": ["acme", "globex"]})
    code, out, _ = cli(*without, "--context-json", many)
    assert "${aws:PrincipalTag/TenantId}" in out
    code, out, _ = cli(*tenant_request(tmp_path, "arn:aws:s3:::docs/globex/a"))
    assert out.startswith("implicit_deny")
    assert "note:" not in out
    code, out, _ = cli(*args, "--format", "json")
    assert json.loads(out)["notes"] == []
