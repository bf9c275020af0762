"""The exported template deployed into moto's CloudFormation (the resource types moto
supports: the IAM roles and managed policies), then used: vending against the roles
the stack created, the guard on those sessions, and the usage plans, API keys and
key secrets (types moto's CloudFormation lacks) created through their APIs from the
template's own properties, with the authorizer reading the key from Secrets Manager.

moto enforces neither trust nor session policies: the tenant refusals below come
from the guard (client-side), never from moto."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError

from policy_engine.catalog import default_catalog
from policy_engine.vend import CredentialVendor

pytestmark = pytest.mark.slow

CATALOG = default_catalog()
MOTO_CFN_TYPES = {"AWS::IAM::Role", "AWS::IAM::ManagedPolicy"}
EXECUTION_ROLE = "arn:aws:iam::111122223333:role/orders-fn"


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found: set[str] = set()
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else value.split(".")[0])
            elif key == "Fn::Sub" and isinstance(value, str):
                found |= set(re.findall(r"\$\{([A-Za-z0-9]+)", value))
            found |= _refs(value)
        return found
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node)) if node else set()
    return set()


def moto_part(exported_template: dict[str, Any]) -> dict[str, Any]:
    """The template without the resources moto's CloudFormation cannot create (and
    whatever refers to them)."""
    doc = json.loads(json.dumps(exported_template))
    dropped = {rid for rid, r in doc["Resources"].items() if r["Type"] not in MOTO_CFN_TYPES}
    changed = True
    while changed:
        changed = False
        for rid, resource in list(doc["Resources"].items()):
            if rid in dropped or _refs(resource) & dropped:
                dropped.add(rid)
                del doc["Resources"][rid]
                changed = True
    doc["Outputs"] = {k: v for k, v in doc["Outputs"].items() if not _refs(v) & dropped}
    return doc


@pytest.fixture(scope="module")
def stack(catalogue_account: dict[str, Any], exported_template: dict[str, Any]) -> dict[str, str]:
    import boto3

    cfn = boto3.client("cloudformation", **catalogue_account)
    body = moto_part(exported_template)
    assert {r["Type"] for r in body["Resources"].values()} == MOTO_CFN_TYPES
    cfn.create_stack(
        StackName="policy-engine",
        TemplateBody=json.dumps(body),
        Parameters=[{"ParameterKey": "ExecutionRoleArns", "ParameterValue": EXECUTION_ROLE}],
        Capabilities=["CAPABILITY_NAMED_IAM"],
    )
    (described,) = cfn.describe_stacks(StackName="policy-engine")["Stacks"]
    assert described["StackStatus"] == "CREATE_COMPLETE", described.get("StackStatusReason")
    return {o["OutputKey"]: o["OutputValue"] for o in described["Outputs"]}


def test_stack_creates_the_catalogue_roles(
    stack: dict[str, str], catalogue_account: dict[str, Any]
) -> None:
    import boto3

    iam = boto3.client("iam", **catalogue_account)
    for name, tier in CATALOG.tiers.items():
        assert stack[f"{name.capitalize()}TierRoleArn"] == tier.role_arn
        role = iam.get_role(RoleName=tier.role_arn.rsplit("/", 1)[1])["Role"]
        assert role["MaxSessionDuration"] >= tier.duration_seconds
        trust = role["AssumeRolePolicyDocument"]
        if isinstance(trust, str):
            trust = json.loads(trust)
        principals = {json.dumps(s["Principal"]["AWS"]) for s in trust["Statement"]}
        assert principals == {json.dumps([EXECUTION_ROLE])} or principals == {
            json.dumps(EXECUTION_ROLE)
        }
        inline = iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
        assert set(inline) == set(tier.role_templates)
    assert stack["VendingPolicyArn"].startswith("arn:aws:iam::111122223333:policy/")


def test_vending_against_the_created_roles_with_the_guard(
    stack: dict[str, str],
    catalogue_account: dict[str, Any],
    orders_table: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", catalogue_account["endpoint_url"])
    sts = boto3.client("sts", **catalogue_account)
    vendor = CredentialVendor(CATALOG, sts_client=sts, region="eu-west-1", role_chaining=False)
    for tier in CATALOG.tiers:
        creds = vendor.credentials_for("acme", tier).get_frozen_credentials()
        who = boto3.client(
            "sts",
            endpoint_url=catalogue_account["endpoint_url"],
            region_name="eu-west-1",
            aws_access_key_id=creds.access_key,
            aws_secret_access_key=creds.secret_key,
            aws_session_token=creds.token,
        ).get_caller_identity()
        role_name = CATALOG.tiers[tier].role_arn.rsplit("/", 1)[1]
        assert who["Arn"].startswith(f"arn:aws:sts::111122223333:assumed-role/{role_name}/")

    # a tenant of its own: the shared moto account also serves the guard tests
    tenant = "initech-eu-1"
    session = vendor.session_for(tenant, "basic", guard=True)
    table = session.resource("dynamodb").Table("saas-orders")
    key = {"tenant_id": tenant, "order_id": "from-stack"}
    table.put_item(Item=key)
    try:
        assert table.get_item(Key=key)["Item"] == key
        with pytest.raises(ClientError) as info:
            table.get_item(Key={"tenant_id": "globex", "order_id": "o-1"})
        assert info.value.response["Error"]["Code"] == "AccessDenied"
        assert f"tenant `{tenant}`" in info.value.response["Error"]["Message"]
    finally:
        table.delete_item(Key=key)


def test_usage_plans_and_keys_from_the_template(
    exported_template: dict[str, Any], catalogue_account: dict[str, Any]
) -> None:
    """moto's CloudFormation has no usage plans, keys or secrets: create them with the
    template's properties through the APIs, then the authorizer reads the key value
    from the secret and returns it as the usage identifier."""
    import boto3

    pytest.importorskip("jwt")
    from policy_engine.authorizer import make_authorizer

    apigw = boto3.client("apigateway", **catalogue_account)
    secrets = boto3.client("secretsmanager", **catalogue_account)
    resources = exported_template["Resources"]
    environ: dict[str, str] = {}
    values: dict[str, str] = {}
    for name, tier in CATALOG.tiers.items():
        tid = name.capitalize()
        plan_props = resources[f"{tid}UsagePlan"]["Properties"]
        kwargs: dict[str, Any] = {"name": f"policy-engine-{name}"}
        if "Throttle" in plan_props:
            t = plan_props["Throttle"]
            kwargs["throttle"] = {"rateLimit": t["RateLimit"], "burstLimit": t["BurstLimit"]}
        if "Quota" in plan_props:
            q = plan_props["Quota"]
            kwargs["quota"] = {"limit": q["Limit"], "period": q["Period"], "offset": q["Offset"]}
        plan = apigw.create_usage_plan(**kwargs)
        length = resources[f"{tid}ApiKeySecret"]["Properties"]["GenerateSecretString"][
            "PasswordLength"
        ]
        value = secrets.get_random_password(PasswordLength=length, ExcludePunctuation=True)[
            "RandomPassword"
        ]
        secret = secrets.create_secret(Name=f"policy-engine/api-keys/{name}", SecretString=value)
        key = apigw.create_api_key(name=f"policy-engine-{name}", value=value, enabled=True)
        apigw.create_usage_plan_key(usagePlanId=plan["id"], keyId=key["id"], keyType="API_KEY")
        got = apigw.get_usage_plan(usagePlanId=plan["id"])
        usage = tier.usage_plan
        assert usage is not None
        if usage.throttle is not None:
            assert got["throttle"]["rateLimit"] == usage.throttle.rate
            assert got["throttle"]["burstLimit"] == usage.throttle.burst
        if usage.quota is not None:
            assert got["quota"]["limit"] == usage.quota.limit
            assert got["quota"]["period"] == usage.quota.period
        assert tier.api_key_env is not None
        environ[f"{tier.api_key_env}_SECRET_ARN"] = secret["ARN"]
        values[name] = value

    from tests.authorizer.jwt_helpers import NOW, Keys, make_signer

    keys = Keys()
    auth = make_authorizer(
        CATALOG, jwks=keys.jwks(), environ=environ, secrets_client=secrets, clock=lambda: NOW
    )
    token = make_signer(keys, CATALOG)(changes={"custom:tier": "standard"})
    response = auth(
        {
            "type": "TOKEN",
            "authorizationToken": f"Bearer {token}",
            "methodArn": "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/GET/"
            "tenants/acme/orders",
        }
    )
    assert response["usageIdentifierKey"] == values["standard"]
    (api_key,) = [
        k
        for k in apigw.get_api_keys(includeValues=True)["items"]
        if k["value"] == values["standard"]
    ]
    assert api_key["enabled"] is True
