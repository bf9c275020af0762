"""Attack review 10b of the isolation proof (branch h10-proofb).

01. The policy of a ``shared`` resource that governs no other resource's ARN
    (``_Search.shared_only``, fix 10-03) had its unread principals (``NotPrincipal``
    with Allow, ``CanonicalUser``, ...) and its grants to service principals dropped
    whatever they grant, as if a shared resource held no tenant's data for any action.
    That holds for its reads, not for its writes: a shared fan-out topic routes what is
    published to it into the tenants' own queues by the message's content (SNS
    Developer Guide, message filtering), and a write that stores into a shared queue is
    carried on by its consumers. The proof already reads such writes as reaching
    another tenant's partition when a session is granted them (``_beyond._unconfined``:
    a routed write on a shared resource, a stored write on one, ``unknown``); granted by
    the shared resource's own policy to everyone but the auditor, or to
    ``s3.amazonaws.com`` with no source condition, they were dropped and the tier
    proved. acme's session publishes ``{"tenant": "globex"}`` and SNS delivers it into
    ``jobs-globex``. Such a statement is now kept (``unknown``) unless every action it
    may grant is one that stays on a shared resource (a confined read or listing, a KMS
    use that stores nothing: ``_effects.stays_on_shared``).

02. The credentials' check left the model's ``execute-api`` resources out, and with
    them their resource policies (``check_tier``; only ``check_api`` read them, for the
    authorizer's policy). An API whose methods are authorised by IAM is called with the
    tier's vended credentials: its resource policy granting the tier role
    ``execute-api:Invoke`` on the whole API (same account: the resource policy's Allow
    suffices, API Gateway Developer Guide, "How API Gateway resource policies affect
    authorization workflow", Table B; a grant to the role is narrowed by the session
    policy) was never seen, so the session policy's grant of ``{tenant}*`` routes was
    taken as ineffective (the role grants no ``execute-api``) and the tier proved,
    while acme's credentials invoke ``GET /tenants/acme-corp/orders``. The
    credentials' check now reads every resource of the model, the API's routes and
    policy included.

For 01 the requests pass through a service (SNS delivery, a queue's consumer, a
function's code), which the project's evaluator does not model: the leaky tests show
that the tier is never ``proved``. 02's leaky test first shows the request allowed
with the project's evaluator. Each has a sound twin the proof must still prove.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, JOBS, QUEUE, REGION, ROLE, allowed, check, doc, said, stmt

from policy_engine.catalog import ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.render import TENANT_MARKER as T

CASES = Path(__file__).resolve().parents[1] / "cases" / "attack10b"

# -- 01: a shared resource's policy granting writes it carries on --------------------------

TOPIC = f"arn:aws:sns:{REGION}:{ACCT}:jobs-fanout"
FANOUT = ResourceSpec("fanout", "sns", TOPIC, (), shared=True)
INGEST_ARN = f"arn:aws:sqs:{REGION}:{ACCT}:ingest"
INGEST = ResourceSpec("ingest", "sqs", INGEST_ARN, (), shared=True)
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCT}:function:dispatch"
DISPATCH = ResourceSpec("dispatch", "lambda", FUNCTION_ARN, (), shared=True)
OWN_QUEUE = doc(stmt(["sqs:ReceiveMessage", "sqs:DeleteMessage"], QUEUE + T))
AUDITOR = f"arn:aws:iam::{ACCT}:role/auditor"


def policy(resource: str, action: str, **principal: Any) -> dict[str, Any]:
    return doc({"Effect": "Allow", **principal, "Action": action, "Resource": resource})


EVERYONE_BUT_AUDITOR = {"NotPrincipal": {"AWS": AUDITOR}}
S3_NOTIFICATIONS = {"Principal": {"Service": "s3.amazonaws.com"}}
CANONICAL = {
    "Principal": {
        "CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
    }
}


def test_01_everyone_but_the_auditor_publishing_to_a_shared_fanout_is_not_proved() -> None:
    topic_policy = policy(TOPIC, "sns:Publish", **EVERYONE_BUT_AUDITOR)
    # acme's session may publish to the topic: the grant is to every principal but the
    # auditor, the session itself, which the session policy does not limit (IAM User
    # Guide, "NotPrincipal"; the project's evaluator, like the CLI's schema, takes
    # `NotPrincipal` only with Deny, so it is no witness here); SNS then delivers the
    # message into globex's queue by the subscription's filter policy
    result = check(OWN_QUEUE, [JOBS, FANOUT], resource_policies={"fanout": topic_policy})
    assert result.status != "proved", said(result)
    assert "`NotPrincipal`" in said(result)


@pytest.mark.parametrize(
    ("resource", "arn", "action", "principal"),
    [
        (FANOUT, TOPIC, "sns:Publish", S3_NOTIFICATIONS),
        (FANOUT, TOPIC, "sns:*", CANONICAL),
        (FANOUT, TOPIC, "sns:Get*", EVERYONE_BUT_AUDITOR),  # a read the data does not vet
        (FANOUT, TOPIC, "sns:PublishToAll", EVERYONE_BUT_AUDITOR),  # a name no data knows
        (INGEST, INGEST_ARN, "sqs:SendMessage", EVERYONE_BUT_AUDITOR),
        (INGEST, INGEST_ARN, "sqs:SendMessage", S3_NOTIFICATIONS),
        (DISPATCH, FUNCTION_ARN, "lambda:InvokeFunction", EVERYONE_BUT_AUDITOR),
        (
            DISPATCH,
            FUNCTION_ARN,
            "lambda:InvokeFunction",
            {"Principal": {"Service": "events.amazonaws.com"}},
        ),
    ],
)
def test_01_variant_writes_a_shared_resource_carries_on(
    resource: ResourceSpec, arn: str, action: str, principal: dict[str, Any]
) -> None:
    resource_policy = policy(arn, action, **principal)
    result = check(OWN_QUEUE, [JOBS, resource], resource_policies={resource.name: resource_policy})
    assert result.status != "proved", said(result)


@pytest.mark.parametrize(
    ("arn", "action"),
    [
        (TOPIC, "sns:GetTopicAttributes"),
        (TOPIC, ["sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic"]),
        (INGEST_ARN, "sqs:GetQueueAttributes"),
    ],
)
def test_01_twin_reads_granted_by_a_shared_resource_policy_are_proved(
    arn: str, action: object
) -> None:
    resource = FANOUT if arn == TOPIC else INGEST
    resource_policy = doc(
        {"Effect": "Allow", **EVERYONE_BUT_AUDITOR, "Action": action, "Resource": arn}
    )
    result = check(OWN_QUEUE, [JOBS, resource], resource_policies={resource.name: resource_policy})
    assert result.status == "proved", said(result)


def test_01_twin_kms_use_on_a_shared_key_is_proved() -> None:
    key = f"arn:aws:kms:{REGION}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    shared_key = ResourceSpec("key", "kms", key, (), shared=True)
    key_policy = policy(key, "kms:Decrypt", Principal={"Service": "s3.amazonaws.com"})
    result = check(OWN_QUEUE, [JOBS, shared_key], resource_policies={"key": key_policy})
    assert result.status == "proved", said(result)


# -- 02: the API's resource policy granting the tier role -------------------------------

API_CASE = CASES / "02-api-policy-grants-the-tier-role"
ROUTES = f"arn:aws:execute-api:{REGION}:{ACCT}:a1b2c3d4e5/"


def test_02_an_api_policy_granting_the_tier_role_is_not_proved() -> None:
    own_routes = doc(stmt("execute-api:Invoke", ROUTES + "prod/GET/tenants/" + T + "*"))
    role = doc(stmt("sqs:ReceiveMessage", QUEUE + "*"))
    api_policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": "execute-api:Invoke",
            "Resource": ROUTES + "*",
        }
    )
    # acme's session calls acme-corp's route: the role grants no execute-api, the API's
    # policy grants the role, the session policy's `acme*` admits `acme-corp/orders`
    route = ROUTES + "prod/GET/tenants/acme-corp/orders"
    assert allowed(
        own_routes,
        "acme",
        "execute-api:Invoke",
        route,
        roles=[role],
        resource_policies=[api_policy],
    )
    results = check_catalog(load_catalog(API_CASE))
    assert results["web"].status == "violation", said(results["web"])
    assert any(v.resource_name == "api" for v in results["web"].violations)


def test_02_twin_the_api_policy_alone_is_proved(tmp_path: Path) -> None:
    # the same catalogue whose session policy grants no route: the API's grant to the
    # role is narrowed to nothing
    folder = tmp_path / "case"
    shutil.copytree(API_CASE, folder)
    lines = (folder / "session.json.j2").read_text().splitlines()
    kept = [line for line in lines if '"OwnRoutes"' not in line]
    kept = [line.rstrip(",") if line.startswith(' {"Effect"') else line for line in kept]
    (folder / "session.json.j2").write_text("\n".join(kept) + "\n")
    results = check_catalog(load_catalog(folder))
    assert results["web"].status == "proved", said(results["web"])


def test_02_twin_the_tenants_own_routes_are_proved(tmp_path: Path) -> None:
    # the route grant written as whole path segments: acme's routes only
    folder = tmp_path / "case"
    shutil.copytree(API_CASE, folder)
    session = folder / "session.json.j2"
    own = "prod/GET/tenants/{{ tenant }}"
    text = session.read_text().replace(
        f'"Resource": "{ROUTES}{own}*"', f'"Resource": ["{ROUTES}{own}", "{ROUTES}{own}/*"]'
    )
    assert text != session.read_text()
    session.write_text(text)
    results = check_catalog(load_catalog(folder))
    assert results["web"].status == "proved", said(results["web"])


# -- the reproducers ----------------------------------------------------------------------

FOLDERS = sorted(str(p.parent.relative_to(CASES)) for p in CASES.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in CASES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack10b_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(CASES / folder))
    assert results, folder
    assert any(r.status != "proved" for r in results.values()), folder
