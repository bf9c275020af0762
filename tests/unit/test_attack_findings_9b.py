"""Attack review 9b of the isolation proof (conditions, variables, principals and
policy combination).

01. The account of the tier's sessions was read from the catalogue's ``account_id``
    constant, not from the tier's role ARN. With the role (and the resources) in
    another account, a resource policy granting ``"*"`` on ``aws:PrincipalAccount`` =
    the role's account, or naming a tenant's session ARN, was dropped as another
    principal's: ``proved``, while AWS lets every tenant's session read every queue
    (same account, not limited by the session policy).

Each leaky case is not `proved`; each has a sound twin that still proves; the bundled
catalogue stays proved.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from _attack_helpers import LANG, doc, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog, role_account
from policy_engine.cli import run
from policy_engine.isolation import check_catalog, check_isolation
from policy_engine.render import TENANT_MARKER as T

FINDINGS = Path(__file__).parent.parent / "cases" / "attack9b"
ACCOUNT = FINDINGS / "01-session-account-taken-from-the-account-id-constant"


def _exit(catalogue: Path) -> int:
    return run(["check-isolation", "--catalog", str(catalogue)], io.StringIO(), io.StringIO())


def test_bundled_catalogue_stays_proved() -> None:
    assert run(["check-isolation"], io.StringIO(), io.StringIO()) == 0


@pytest.mark.parametrize(
    "folder", sorted(p for p in FINDINGS.rglob("catalog.toml")), ids=lambda p: p.parent.name
)
def test_every_reproducer_is_not_proved(folder: Path) -> None:
    assert _exit(folder.parent) == 1


# -- 01: the sessions' account is the role's ------------------------------------------


def test_01_principal_account_condition_of_the_roles_account_is_a_violation() -> None:
    (result,) = check_catalog(load_catalog(ACCOUNT)).values()
    assert result.status == "violation"
    found = {(v.tenant_a, v.action) for v in result.violations}
    assert any(action == "sqs:receivemessage" for _, action in found)
    assert all("ThisAccountsPrincipals" in v.describe() for v in result.violations)


def test_01_variant_session_principal_in_the_roles_account_is_a_violation() -> None:
    (result,) = check_catalog(load_catalog(ACCOUNT / "variant-session-principal")).values()
    assert result.status == "violation"
    assert {v.tenant_a for v in result.violations} == {"acme"}


def test_01_tier_account_is_the_role_arns() -> None:
    catalogue = load_catalog(ACCOUNT)
    assert catalogue.constants["account_id"] == "111122223333"
    assert catalogue.tier("basic").account == "444455556666"
    assert role_account("arn:aws:iam::444455556666:role/path/x") == "444455556666"
    assert role_account("arn:aws:iam::*:role/x") is None


def test_01_sound_twin_other_accounts_principals_still_proves(tmp_path: Path) -> None:
    """The same queue policy for the principals of the `account_id` constant's
    account: the tier's sessions (of the role's account) are not among them."""
    root = tmp_path / "twin"
    shutil.copytree(ACCOUNT, root, ignore=shutil.ignore_patterns("variant-*", "README.md"))
    policy = root / "resource" / "jobs-queue.json.j2"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace('"{{ app_account }}"', '"{{ account_id }}"'), encoding="utf-8")
    (result,) = check_catalog(load_catalog(root)).values()
    assert result.status == "proved", result


def test_01_sound_twin_session_of_another_role_still_proves(tmp_path: Path) -> None:
    root = tmp_path / "twin"
    shutil.copytree(ACCOUNT / "variant-session-principal", root)
    policy = root / "resource" / "jobs-queue.json.j2"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("saas-tenant-basic/acme", "saas-support/acme"), "utf-8")
    (result,) = check_catalog(load_catalog(root)).values()
    assert result.status == "proved", result


def test_01_library_call_reads_the_account_from_role_arn() -> None:
    """``check_isolation`` with ``role_arn`` in another account than ``account``: the
    sessions are the role's, so the queue policy's grant to that account reaches them."""
    queue = "arn:aws:sqs:eu-west-1:444455556666:jobs-"
    jobs = ResourceSpec("jobs", "sqs", queue + "*", (Partition(arn=queue + "{tenant}"),))
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "sqs:ReceiveMessage",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}},
            }
        ],
    }

    def run_with(grant: str) -> str:
        policy["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalAccount"] = grant
        return check_isolation(
            doc(stmt("sqs:ReceiveMessage", queue + T)),
            [doc(stmt("sqs:ReceiveMessage", queue + "*"))],
            [jobs],
            LANG,
            account="111122223333",
            role_name="tier",
            role_arn="arn:aws:iam::444455556666:role/tier",
            resource_policies={"jobs": policy},
        ).status

    assert run_with("444455556666") == "violation"
    assert run_with("111122223333") == "proved"


@pytest.mark.parametrize(("account", "proved"), [("444455556666", False), ("111122223333", True)])
def test_01_library_call_reads_session_principals_in_the_roles_account(
    account: str, proved: bool
) -> None:
    """A queue policy naming tenant `acme`'s session: a session of the role only in
    the role's account (``role_arn``), whatever ``account`` says."""
    queue = "arn:aws:sqs:eu-west-1:444455556666:jobs-"
    jobs = ResourceSpec("jobs", "sqs", queue + "*", (Partition(arn=queue + "{tenant}"),))
    principal = f"arn:aws:sts::{account}:assumed-role/tier/acme"
    policy = doc(stmt("sqs:ReceiveMessage", "*"))
    policy["Statement"][0]["Principal"] = {"AWS": principal}
    result = check_isolation(
        doc(stmt("sqs:ReceiveMessage", queue + T)),
        [doc(stmt("sqs:ReceiveMessage", queue + "*"))],
        [jobs],
        LANG,
        account="111122223333",
        role_name="tier",
        role_arn="arn:aws:iam::444455556666:role/tier",
        resource_policies={"jobs": policy},
    )
    assert (result.status == "proved") is proved, result


# -- 02: the API's resource policy joins the authorizer's ------------------------------

API = FINDINGS / "02-api-resource-policy-allow-ignored-by-route-check"


def test_02_api_resource_policy_allow_to_everyone_is_not_proved() -> None:
    (result,) = check_catalog(load_catalog(API)).values()
    assert result.status == "unknown"
    assert all("FromTheOfficeNetwork" in u.describe() for u in result.unknown)


def test_02_variant_unconditional_is_a_violation_naming_the_resource_policy() -> None:
    (result,) = check_catalog(load_catalog(API / "variant-unconditional")).values()
    assert result.status == "violation"
    cx = result.violations[0]
    assert cx.tenant_a != cx.tenant_b
    assert cx.action == "execute-api:invoke"
    assert "resource(api):FromTheOfficeNetwork" in cx.describe()


def test_02_sound_twin_deny_and_operator_role_still_proves(tmp_path: Path) -> None:
    """A resource policy that only denies (outside the VPC endpoint) and grants an
    operators' IAM role: no grant reaches a caller of the Lambda authorizer."""
    root = tmp_path / "twin"
    shutil.copytree(API, root, ignore=shutil.ignore_patterns("variant-*", "README.md"))
    (root / "resource" / "api.json.j2").write_text(
        """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*",
     "Action": "execute-api:Invoke",
     "Resource": "arn:{{ partition }}:execute-api:{{ region }}:{{ account_id }}:{{ api_id }}/*",
     "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
    {"Sid": "OperatorsRole", "Effect": "Allow",
     "Principal": {"AWS": "arn:{{ partition }}:iam::{{ account_id }}:role/saas-operators"},
     "Action": "execute-api:Invoke",
     "Resource": "arn:{{ partition }}:execute-api:{{ region }}:{{ account_id }}:{{ api_id }}/*"}
  ]
}
""",
        encoding="utf-8",
    )
    (result,) = check_catalog(load_catalog(root)).values()
    assert result.status == "proved", result


def test_02_testing_toolkit_reads_the_api_resource_policy_too() -> None:
    """``assert_tenant_isolation`` decides route requests with the API's resource
    policy as API Gateway does, so its sampling finds the leak the proof reports."""
    from policy_engine.testing import assert_tenant_isolation

    with pytest.raises(AssertionError, match="resource\\(api\\):FromTheOfficeNetwork"):
        assert_tenant_isolation(API / "variant-unconditional", max_examples=200)
