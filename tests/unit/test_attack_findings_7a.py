"""Attack review of the isolation proof, round 7 (01, 05): each class of false
`proved`, with a leaky case (never `proved`), its sound twin (still `proved`) and
variants that differ from the reviewer's reproducer.

01: an ARN format's name was read as text without `/`, so a grant on
    `alarm:tenants/{tenant}/*` or `secret:tenants/{tenant}/*` looked as if it reached
    no resource of the type: the deputy-write and unconfined-effects checks skipped it.
05: the same narrowing without `:`: a grant on a function alias (`function:router:live`)
    looked as if it reached no function, so the routed-write check on the shared
    `function:router*` skipped it while the coverage check read it as covered.
The audit: every check reads a model ARN through one helper (`_model_glob`), and an
S3 model ARN with a wildcard (`docs*`, whose `*` the coverage check reads as naming
objects too) no longer restricts its condition shapes to bucket actions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, LANG, REGION, ROLE, ROLE_NAME, doc, said, stmt

from policy_engine._iamdata import iam_data, known_actions
from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import TierResult, check_catalog, check_isolation
from policy_engine.isolation._beyond import (
    _NARROW_VARIABLES,
    DEPUTY_RESOURCE,
    EFFECTS_RESOURCE,
    _format_glob,
    _format_regex,
)
from policy_engine.render import TENANT_MARKER as T

CASES = Path(__file__).parent.parent / "cases" / "attack7"
DOCS = "arn:aws:s3:::docs"
DOCUMENTS = ResourceSpec("documents", "s3", DOCS, (Partition(arn=DOCS + "/{tenant}/*"),))
BASE = f"arn:aws:{{service}}:{REGION}:{ACCT}:"


def _arn(service: str, rest: str) -> str:
    return BASE.format(service=service) + rest


def check(
    actions: list[str], resource: str, model: ResourceSpec, role_resource: str | None = None
) -> TierResult:
    """The session grants ``actions`` on ``resource`` (tenant marker inside), the role
    the same actions on ``role_resource`` (default: every ARN of the model resource)."""
    session = doc(stmt(["s3:GetObject"], f"{DOCS}/{T}/*"), stmt(actions, resource))
    role = doc(
        stmt(["s3:GetObject"], DOCS + "/*"),
        stmt(actions, role_resource or model.arn),
    )
    return check_isolation(
        session,
        [role],
        [DOCUMENTS, model],
        LANG,
        tier="t",
        account=ACCT,
        role_name=ROLE_NAME,
        role_arn=ROLE,
    )


def _partitioned(name: str, service: str, family: str, partition: str) -> ResourceSpec:
    return ResourceSpec(
        name, service, _arn(service, family), (Partition(arn=_arn(service, partition)),)
    )


ALARMS = _partitioned("alarms", "cloudwatch", "alarm:tenants/*", "alarm:tenants/{tenant}/*")
SECRETS = _partitioned("secrets", "secretsmanager", "secret:tenants/*", "secret:tenants/{tenant}/*")
REPOS = ResourceSpec(
    "repos",
    "ecr",
    _arn("ecr", "repository/tenants/*"),
    (Partition(arn=_arn("ecr", "repository/tenants/{tenant}/*")),),
)


# -- 01: a `/` in a name -------------------------------------------------------------


def test_01_alarm_with_slash_deputy_write_is_a_violation() -> None:
    result = check(
        ["cloudwatch:PutMetricAlarm"], _arn("cloudwatch", f"alarm:tenants/{T}/*"), ALARMS
    )
    assert result.status == "violation", said(result)
    deputy = [v for v in result.violations if v.resource_name == DEPUTY_RESOURCE]
    assert deputy, said(result)
    assert deputy[0].action == "cloudwatch:putmetricalarm", said(result)
    assert "alarm:tenants/" in deputy[0].resource, said(result)


def test_01_secret_with_slash_config_writes_are_unknown() -> None:
    result = check(["secretsmanager:*"], _arn("secretsmanager", f"secret:tenants/{T}/*"), SECRETS)
    assert result.status != "proved", said(result)
    effects = [u for u in result.unknown if u.resource_name == EFFECTS_RESOURCE]
    assert effects, said(result)
    assert "secretsmanager:putresourcepolicy" in effects[0].describe(), said(result)


def test_01_twin_confined_secret_access_with_slash_is_proved() -> None:
    # reads and the confined write of the tenant's own secrets: nothing beyond them
    result = check(
        ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"],
        _arn("secretsmanager", f"secret:tenants/{T}/*"),
        SECRETS,
    )
    assert result.status == "proved", said(result)


def test_01_variant_ecr_repository_path_policy_write_is_unknown() -> None:
    # not in the reproducer: ECR repository names hold `/` (namespaces)
    result = check(["ecr:SetRepositoryPolicy"], _arn("ecr", f"repository/tenants/{T}/*"), REPOS)
    assert result.status != "proved", said(result)
    assert any(
        u.resource_name == EFFECTS_RESOURCE and "ecr:setrepositorypolicy" in u.describe()
        for u in result.unknown
    ), said(result)


def test_01_every_name_of_the_action_data_is_read_as_any_text() -> None:
    # the root: only the partition, region, account and bucket name are narrow
    data = iam_data()
    names: set[str] = set()
    for action in known_actions():
        info = data.action(action)
        for fmt in data.resource_arns(info) if info is not None else ():
            names.update(re.findall(r"\$\{([^}]*)\}", fmt))
            glob = _format_glob(fmt)
            wide = re.sub(
                r"\$\{([^}]*)\}", lambda m: "x" if m[1] in _NARROW_VARIABLES else "a/b:c", fmt
            )
            assert _format_regex(fmt).fullmatch(wide), fmt
            assert glob.count("*") - fmt.count("*") == sum(
                1 for n in re.findall(r"\$\{([^}]*)\}", fmt) if n not in _NARROW_VARIABLES
            ), fmt
    assert {"AlarmName", "SecretId", "FunctionName", "RepositoryName"} <= names
    assert names >= _NARROW_VARIABLES


# -- 05: a `:` qualifier after a name ------------------------------------------------

ROUTER = ResourceSpec("router", "lambda", _arn("lambda", "function:router*"), (), shared=True)
FLOW = ResourceSpec("flow", "states", _arn("states", "stateMachine:flow*"), (), shared=True)


def test_05_invoking_a_shared_function_alias_is_unknown() -> None:
    result = check(
        ["lambda:InvokeFunction"],
        _arn("lambda", "function:router:live"),
        ROUTER,
        role_resource=ROUTER.arn,
    )
    assert result.status == "unknown", said(result)
    assert any(u.resource_name == "router" for u in result.unknown), said(result)


@pytest.mark.parametrize("qualifier", ["", ":7", ":live"])
def test_05_twin_reading_a_shared_function_is_proved(qualifier: str) -> None:
    result = check(
        ["lambda:GetFunctionConfiguration"],
        _arn("lambda", "function:router" + qualifier),
        ROUTER,
    )
    assert result.status == "proved", said(result)


@pytest.mark.parametrize(
    "resource",
    ["function:router:7", "function:router-eu:live", "function:router:*"],
)
def test_05_variant_function_versions_and_alias_globs_are_unknown(resource: str) -> None:
    result = check(["lambda:InvokeFunction"], _arn("lambda", resource), ROUTER)
    assert result.status == "unknown", said(result)
    assert any(u.resource_name == "router" for u in result.unknown), said(result)


def test_05_variant_state_machine_alias_is_unknown() -> None:
    # not in the reproducer: Step Functions aliases (`stateMachine:name:alias`)
    result = check(["states:StartExecution"], _arn("states", "stateMachine:flow:live"), FLOW)
    assert result.status == "unknown", said(result)
    assert any(u.resource_name == "flow" for u in result.unknown), said(result)


# -- the reviewer's catalogues --------------------------------------------------------


def _catalogues() -> list[Path]:
    return sorted(p.parent for p in CASES.glob("**/catalog.toml"))


def test_the_reviewers_catalogues_are_all_here() -> None:
    findings = {p.relative_to(CASES).parts[0] for p in _catalogues()}
    assert len(findings) == 5, sorted(findings)


@pytest.mark.parametrize("folder", _catalogues(), ids=lambda p: str(p.relative_to(CASES)))
def test_no_reviewer_catalogue_is_proved(folder: Path) -> None:
    results: dict[str, Any] = check_catalog(load_catalog(folder))
    assert results, folder
    for tier, result in results.items():
        assert result.status != "proved", f"{folder} {tier}: {said(result)}"


# -- one reading of a model ARN --------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "arn:aws:lambda:eu-west-1:1:function:router*",
        "arn:aws:states:eu-west-1:1:stateMachine:flow*",
        "arn:aws:s3:::docs/*/inbox",
        "arn:aws:sqs:eu-west-1:1:jobs-?",
    ],
)
def test_every_check_reads_a_model_arn_as_the_coverage_check_does(model: str) -> None:
    from policy_engine import _glob
    from policy_engine.isolation._strings import _model_glob, _model_pieces

    # the coverage check's reading: each `*` any text, colons and slashes included
    stars = [v for k, v in _model_pieces(model) if k == "star"]
    assert stars == ["any"] * model.count("*")
    texts = [
        model.replace("*", "x").replace("?", "y"),
        model.replace("*", "x:live").replace("?", "y"),
        model.replace("*", "a/b:c").replace("?", "y"),
        model.replace("*", "").replace("?", ":"),
        model + ":extra",
        "arn:aws:lambda:eu-west-1:1:function:other",
    ]
    for text in texts:
        assert _glob.may_overlap(text, _model_glob(model)) == _glob.glob_match(model, text), text


# -- the audit: an S3 model ARN with a wildcard was read as naming buckets only -----------


def _listing_only(arn: str, objects: str) -> TierResult:
    """A model resource partitioned only by `s3:prefix`; the session lists its own
    prefix and reads ``objects``."""
    res = ResourceSpec(
        "docs", "s3", arn, (Partition(condition_key="s3:prefix", value="{tenant}/*"),)
    )
    session = doc(
        stmt(["s3:ListBucket"], "arn:aws:s3:::docs", {"StringLike": {"s3:prefix": f"{T}/*"}}),
        stmt(["s3:GetObject"], objects),
    )
    return check_isolation(
        session,
        [doc(stmt(["s3:GetObject", "s3:ListBucket"], "*"))],
        [res],
        LANG,
        tier="t",
        account=ACCT,
        role_name=ROLE_NAME,
        role_arn=ROLE,
    )


def test_s3_model_glob_covers_objects_so_reading_every_object_is_not_proved() -> None:
    # `docs*` (any text) covers `docs/x`, so the coverage check passes the objects: the
    # condition shapes must then take object actions too, not the bucket's only
    result = _listing_only("arn:aws:s3:::docs*", "arn:aws:s3:::docs/*")
    assert result.status != "proved", said(result)


@pytest.mark.parametrize("arn", ["arn:aws:s3:::docs-*", "arn:aws:s3:::doc?*"])
def test_s3_model_glob_variants_are_not_proved(arn: str) -> None:
    # a family of buckets: its `*` names every object of each too
    result = _listing_only(arn, "arn:aws:s3:::docs-ab/*")
    assert result.status != "proved", said(result)


def test_s3_exact_bucket_listing_partition_twin_is_proved() -> None:
    # the bucket's own ARN names no object: the listing partition, the tenant's objects
    res = ResourceSpec(
        "docs",
        "s3",
        "arn:aws:s3:::docs",
        (
            Partition(arn="arn:aws:s3:::docs/{tenant}/*"),
            Partition(condition_key="s3:prefix", value="{tenant}/*"),
        ),
    )
    session = doc(
        stmt(["s3:ListBucket"], "arn:aws:s3:::docs", {"StringLike": {"s3:prefix": f"{T}/*"}}),
        stmt(["s3:GetObject"], f"arn:aws:s3:::docs/{T}/*"),
    )
    result = check_isolation(
        session,
        [doc(stmt(["s3:GetObject", "s3:ListBucket"], "*"))],
        [res],
        LANG,
        tier="t",
        account=ACCT,
        role_name=ROLE_NAME,
        role_arn=ROLE,
    )
    assert result.status == "proved", said(result)
