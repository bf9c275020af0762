"""``policy-engine export``: the catalogue as a CloudFormation (or SAM) template.

The template holds, per tier: the tier role (its identity policies from the role
templates, a boundary template as a managed policy and permissions boundary, the
trust policy from the tier's ``trust_template`` or generated for the execution-role
ARNs given as a parameter, ``MaxSessionDuration`` >= the tier's duration), and for
tiers with a ``usage_plan``: a Secrets Manager secret with a generated API key value,
the API key (its value resolved from the secret), the usage plan and the usage-plan
key. Beside them: the managed policy the service functions' execution roles need to
vend (``sts:AssumeRole``, ``sts:TagSession``, ``sts:SetSourceIdentity`` on the tier
roles), the managed policy the authorizer needs to read the key secrets, and
outputs (role ARNs, policy ARNs, secret ARNs, usage plan IDs).

:func:`tenant_template` is the per-tenant template of a tier's silo resources, to
nest in your stack (``AWS::CloudFormation::Stack``) once per silo tenant.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Literal

from ..catalog import Catalog, ResourceSpec, Tier
from ..errors import PolicyEngineError
from ..model import policy_to_obj
from .names import name_problem

Format = Literal["cloudformation", "sam"]
Syntax = Literal["json", "yaml"]

#: the session tags :mod:`policy_engine.vend` sets; the trust policy allows no others
SESSION_TAG_KEYS = ("TenantId", "Tier")
#: IAM's default (and minimum) role MaxSessionDuration
MIN_MAX_SESSION = 3600
INLINE_POLICY_LIMIT = 10240  # characters without whitespace, all inline policies of a role
API_KEY_LENGTH = 40  # API Gateway takes 20 to 128 characters
_SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


class ExportError(PolicyEngineError, ValueError):
    """The catalogue cannot be exported as asked (what, where, what is allowed)."""


def logical_id(*parts: str) -> str:
    """A CloudFormation logical ID from names: ``premium-orders`` -> ``PremiumOrders``."""
    words = [w for p in parts for w in re.split(r"[^A-Za-z0-9]+", p) if w]
    return "".join(w[:1].upper() + w[1:] for w in words)


def role_name_and_path(role_arn: str) -> tuple[str, str]:
    """``arn:aws:iam::1:role/a/b/name`` -> ``("name", "/a/b/")``."""
    resource = role_arn.split(":", 5)[5]
    parts = resource.split("/")[1:]
    name = parts[-1]
    path = "/" + "".join(p + "/" for p in parts[:-1])
    return name, path


def _non_whitespace(doc: Any) -> int:
    return len(re.sub(r"\s", "", json.dumps(doc, separators=(",", ":"))))


def trust_policy(tier: Tier, *sharers: Tier) -> dict[str, Any]:
    """The generated trust policy: the execution roles (parameter ``ExecutionRoleArns``)
    may assume the role and set a source identity, and may tag the session only with
    the keys vending sets: ``Tier`` must name this tier, ``TenantId`` must be present,
    and only the tier's ``transitive_tag_keys`` may be transitive. A role that other
    tiers share (``sharers``) gets one tagging statement per tier, each with that
    tier's name and transitive keys (statements are ORed: exactly what vending for
    one of them sends)."""
    principal = {"AWS": {"Ref": "ExecutionRoleArns"}}
    tiers = (tier, *sharers)
    tagging = []
    for t in tiers:
        tag_condition: dict[str, Any] = {
            "ForAllValues:StringEquals": {"aws:TagKeys": list(SESSION_TAG_KEYS)},
            "StringEquals": {"aws:RequestTag/Tier": t.name},
            "Null": {"aws:RequestTag/TenantId": "false"},
        }
        if t.transitive_tag_keys:
            tag_condition["ForAllValues:StringEquals"]["sts:TransitiveTagKeys"] = list(
                t.transitive_tag_keys
            )
        else:
            tag_condition["Null"]["sts:TransitiveTagKeys"] = "true"
        sid = "ServiceFunctionsTagSession" + (logical_id(t.name) if sharers else "")
        tagging.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Principal": principal,
                "Action": "sts:TagSession",
                "Condition": tag_condition,
            }
        )
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceFunctionsAssume",
                "Effect": "Allow",
                "Principal": principal,
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            },
            *tagging,
        ],
    }


def roles_of(catalog: Catalog) -> list[list[Tier]]:
    """The catalogue's deployed roles: the tiers of each distinct ``role_arn``, in
    catalogue order. Tiers that share a role ARN share one IAM role (the isolation
    proof checks each of them against every role policy it carries)."""
    groups: dict[str, list[Tier]] = {}
    for tier in catalog.tiers.values():
        groups.setdefault(tier.role_arn, []).append(tier)
    names: dict[str, str] = {}
    for arn in groups:
        name, _ = role_name_and_path(arn)
        if name in names:
            raise ExportError(
                f"role ARNs `{names[name]}` and `{arn}` name one role `{name}` (role names "
                "are unique in an account, whatever the path): give the tiers one role_arn "
                "or different role names"
            )
        names[name] = arn
    return list(groups.values())


def _role(catalog: Catalog, tiers: list[Tier], resources: dict[str, Any]) -> str:
    """The IAM role of one ``role_arn`` and the tiers that assume it: every role
    template of every such tier, each rendered for its tier (an identical rendering
    once), as the role's inline policies: the union the proof checks each tier with."""
    from ..render import Renderer

    renderer = Renderer(catalog)
    tier = tiers[0]
    shared = len(tiers) > 1
    names = ", ".join(f"`{t.name}`" for t in tiers)
    name, path = role_name_and_path(tier.role_arn)
    whose = f"tier `{tier.name}`" if not shared else f"role `{name}` (tiers {names})"
    # a role of one tier keeps the tier's logical IDs; a shared role is named by its role
    rid = logical_id(tier.name) + "Tier" if not shared else logical_id(name) + "Shared"
    inline: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()  # (template, rendering) already carried
    boundaries: dict[str, tuple[str, dict[str, Any]]] = {}  # JSON -> (template, document)
    for t in tiers:
        for template, policy in renderer.render_role_policies(t.name).items():
            doc = policy_to_obj(policy)
            if catalog.template(template).kind == "boundary":
                boundaries.setdefault(json.dumps(doc, sort_keys=True), (template, doc))
            elif (template, json.dumps(doc, sort_keys=True)) not in seen:
                seen.add((template, json.dumps(doc, sort_keys=True)))
                taken = any(p["PolicyName"] == template for p in inline)
                inline.append(
                    {
                        "PolicyName": f"{template}-{t.name}" if taken else template,
                        "PolicyDocument": doc,
                    }
                )
    if len(boundaries) > 1:
        raise ExportError(
            f"tiers {names} share the role `{tier.role_arn}` but render different "
            "permissions boundaries; a role has one boundary: give them one boundary "
            "template or different roles"
        )
    boundary_id = None
    if boundaries:
        ((template, doc),) = boundaries.values()
        boundary_id = f"{rid}Boundary"
        resources[boundary_id] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": f"permissions boundary of {whose} ({template})",
                "PolicyDocument": doc,
            },
        }
    size = sum(_non_whitespace(p["PolicyDocument"]) for p in inline)
    if size > INLINE_POLICY_LIMIT:
        raise ExportError(
            f"{whose}: the role templates add up to {size:,} characters; a role's "
            f"inline policies may hold {INLINE_POLICY_LIMIT:,} (whitespace not counted): "
            "split the role templates or shorten them"
        )
    trusts = {
        json.dumps(policy_to_obj(p), sort_keys=True) if p is not None else None
        for p in (renderer.render_trust(t.name) for t in tiers)
    }
    if len(trusts) > 1:
        raise ExportError(
            f"tiers {names} share the role `{tier.role_arn}` but their trust policies "
            "differ (a `trust_template` on some or a different rendering); a role has one "
            "trust policy: give them the same trust_template, or none"
        )
    (trust,) = trusts
    description = (
        f"policy-engine tier role `{tier.name}` of catalogue {catalog.name}"
        if not shared
        else f"policy-engine role of tiers {names} of catalogue {catalog.name}"
    )
    properties: dict[str, Any] = {
        "RoleName": name,
        "Path": path,
        "Description": description,
        "AssumeRolePolicyDocument": trust_policy(*tiers) if trust is None else json.loads(trust),
        "MaxSessionDuration": max(MIN_MAX_SESSION, *(t.duration_seconds for t in tiers)),
        "Tags": [{"Key": "policy-engine:tier", "Value": " ".join(t.name for t in tiers)}],
    }
    if inline:
        properties["Policies"] = inline
    if boundary_id is not None:
        properties["PermissionsBoundary"] = {"Ref": boundary_id}
    role_id = f"{rid}Role"
    resources[role_id] = {"Type": "AWS::IAM::Role", "Properties": properties}
    return role_id


def _usage_plan(tier: Tier, resources: dict[str, Any], outputs: dict[str, Any]) -> str | None:
    plan = tier.usage_plan
    if plan is None:
        return None
    tid = logical_id(tier.name)
    secret, key, plan_id = f"{tid}ApiKeySecret", f"{tid}ApiKey", f"{tid}UsagePlan"
    resources[secret] = {
        "Type": "AWS::SecretsManager::Secret",
        "Properties": {
            "Name": {"Fn::Sub": f"${{AWS::StackName}}/api-keys/{tier.name}"},
            "Description": f"value of the API key of tier {tier.name} (usage plan)",
            "GenerateSecretString": {
                "PasswordLength": API_KEY_LENGTH,
                "ExcludePunctuation": True,
                "IncludeSpace": False,
            },
        },
    }
    resources[key] = {
        "Type": "AWS::ApiGateway::ApiKey",
        "Properties": {
            "Name": {"Fn::Sub": f"${{AWS::StackName}}-{tier.name}"},
            "Description": f"API key of tier {tier.name}; the authorizer returns it as "
            "usageIdentifierKey",
            "Enabled": True,
            "Value": {"Fn::Sub": f"{{{{resolve:secretsmanager:${{{secret}}}:SecretString}}}}"},
        },
    }
    properties: dict[str, Any] = {
        "UsagePlanName": {"Fn::Sub": f"${{AWS::StackName}}-{tier.name}"},
        "Description": plan.description or f"usage plan of tier {tier.name}",
    }
    if plan.throttle is not None:
        properties["Throttle"] = {
            "RateLimit": plan.throttle.rate,
            "BurstLimit": plan.throttle.burst,
        }
    if plan.quota is not None:
        properties["Quota"] = {
            "Limit": plan.quota.limit,
            "Period": plan.quota.period,
            "Offset": plan.quota.offset,
        }
    stage: dict[str, Any] = {"ApiId": {"Ref": "RestApiId"}, "Stage": {"Ref": "StageName"}}
    if plan.methods:
        stage["Throttle"] = {
            path: {"RateLimit": t.rate, "BurstLimit": t.burst} for path, t in plan.methods.items()
        }
    properties["ApiStages"] = {"Fn::If": ["HasApiStage", [stage], {"Ref": "AWS::NoValue"}]}
    resources[plan_id] = {"Type": "AWS::ApiGateway::UsagePlan", "Properties": properties}
    resources[f"{tid}UsagePlanKey"] = {
        "Type": "AWS::ApiGateway::UsagePlanKey",
        "Properties": {
            "KeyId": {"Ref": key},
            "KeyType": "API_KEY",
            "UsagePlanId": {"Ref": plan_id},
        },
    }
    env = tier.api_key_env or f"API_KEY_{tier.name.upper().replace('-', '_')}"
    outputs[f"{tid}ApiKeySecretArn"] = {
        "Description": f"secret holding tier {tier.name}'s API key: set {env}_SECRET_ARN to it "
        "on the authorizer function",
        "Value": {"Ref": secret},
    }
    outputs[f"{tid}UsagePlanId"] = {
        "Description": f"usage plan of tier {tier.name}",
        "Value": {"Ref": plan_id},
    }
    return secret


def build_template(
    catalog: Catalog,
    *,
    fmt: Format = "cloudformation",
    layer_uri: str = "layer.zip",
    architecture: str = "x86_64",
    python: str = "3.12",
) -> dict[str, Any]:
    """The stack template of ``catalog`` as a dict (CloudFormation or SAM)."""
    if fmt not in ("cloudformation", "sam"):
        raise ExportError(f"format `{fmt}` is not supported; use cloudformation or sam")
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    role_ids: list[str] = []
    secret_ids: list[str] = []
    mappings: dict[str, Any] = {}
    role_of: dict[str, str] = {}
    for tiers in roles_of(catalog):
        role_id = _role(catalog, tiers, resources)
        role_ids.append(role_id)
        role_of.update((t.name, role_id) for t in tiers)
    for tier in catalog.tiers.values():
        role_id = role_of[tier.name]
        outputs[f"{logical_id(tier.name)}TierRoleArn"] = {
            "Description": f"ARN of the role of tier {tier.name} (the catalogue's role_arn)",
            "Value": {"Fn::GetAtt": [role_id, "Arn"]},
        }
        secret = _usage_plan(tier, resources, outputs)
        if secret is not None:
            secret_ids.append(secret)
        limits: dict[str, Any] = {"SessionSeconds": tier.duration_seconds}
        if tier.reserved_concurrency is not None:
            limits["ReservedConcurrency"] = tier.reserved_concurrency
            outputs[f"{logical_id(tier.name)}ReservedConcurrency"] = {
                "Description": f"ReservedConcurrentExecutions for each function of tier "
                f"{tier.name} (the catalogue's reserved_concurrency)",
                "Value": str(tier.reserved_concurrency),
            }
        mappings[tier.name] = limits

    resources["VendingPolicy"] = {
        "Type": "AWS::IAM::ManagedPolicy",
        "Properties": {
            "Description": "attach to the service functions' execution roles: vend tenant "
            "credentials from the tier roles",
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "AssumeTierRoles",
                        "Effect": "Allow",
                        "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
                        "Resource": [{"Fn::GetAtt": [r, "Arn"]} for r in role_ids],
                    }
                ],
            },
        },
    }
    outputs["VendingPolicyArn"] = {
        "Description": "managed policy for the service functions' execution roles",
        "Value": {"Ref": "VendingPolicy"},
    }
    if secret_ids:
        resources["AuthorizerApiKeysPolicy"] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {
                "Description": "attach to the authorizer's execution role: read the tiers' "
                "API key values",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "ReadApiKeys",
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": [{"Ref": s} for s in secret_ids],
                        }
                    ],
                },
            },
        }
        outputs["AuthorizerApiKeysPolicyArn"] = {
            "Description": "managed policy for the authorizer's execution role",
            "Value": {"Ref": "AuthorizerApiKeysPolicy"},
        }

    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
    if fmt == "sam":
        template["Transform"] = _SAM_TRANSFORM
        resources["PolicyEngineLayer"] = {
            "Type": "AWS::Serverless::LayerVersion",
            "Properties": {
                "Description": "policy-engine runtime (vend, lambda_, guard, authorizer); build "
                "it with `policy-engine layer build`",
                "ContentUri": layer_uri,
                # compiled wheels are built for one Python: the layer's runtime only
                "CompatibleRuntimes": [f"python{python}"],
                "CompatibleArchitectures": [architecture],
                "RetentionPolicy": "Retain",
            },
        }
        outputs["PolicyEngineLayerArn"] = {
            "Description": "the policy-engine layer version",
            "Value": {"Ref": "PolicyEngineLayer"},
        }
    template["Description"] = (
        f"policy-engine: tier roles, vending policy, usage plans and API keys of catalogue "
        f"{catalog.name}"
    )
    template["Metadata"] = {"PolicyEngine": {"Catalog": catalog.name, "TierLimits": mappings}}
    execution_roles: dict[str, Any] = {
        "Type": "CommaDelimitedList",
        "Description": "ARNs of the service functions' execution roles: they may assume "
        "the tier roles (trust policies)",
    }
    if catalog.vendor_roles:
        # the roles the isolation proof was told vend sessions (catalogue `vendor_roles`)
        execution_roles["Default"] = ",".join(catalog.vendor_roles)
    template["Parameters"] = {"ExecutionRoleArns": execution_roles}
    if any(t.usage_plan for t in catalog.tiers.values()):
        # what the usage plans apply to: written only when there are plans (cfn-lint
        # warns of an unused parameter or condition)
        template["Parameters"]["RestApiId"] = {
            "Type": "String",
            "Default": "",
            "Description": "REST API the usage plans apply to (empty: plans without a stage)",
        }
        template["Parameters"]["StageName"] = {
            "Type": "String",
            "Default": "",
            "Description": "stage of RestApiId",
        }
        template["Conditions"] = {
            "HasApiStage": {
                "Fn::Not": [
                    {
                        "Fn::Or": [
                            {"Fn::Equals": [{"Ref": "RestApiId"}, ""]},
                            {"Fn::Equals": [{"Ref": "StageName"}, ""]},
                        ]
                    }
                ]
            }
        }
    template["Resources"] = resources
    template["Outputs"] = outputs
    return template


# -- per-tenant silo resources -------------------------------------------------------------


def silo_tier(catalog: Catalog, tier: str | None) -> Tier:
    """The tier whose silo resources a tenant template holds: ``tier``, or the only
    tier with silo resources."""
    if tier is not None:
        found = catalog.tier(tier)
        if not any(how == "silo" for how in found.resources.values()):
            raise ExportError(f"tier `{tier}` holds no resource `silo`: nothing per tenant")
        return found
    silos = [t for t in catalog.tiers.values() if "silo" in t.resources.values()]
    if len(silos) != 1:
        names = ", ".join(t.name for t in silos) or "none"
        raise ExportError(
            "give --tier: the tenant template holds one tier's silo resources (tiers with "
            f"silo resources: {names})"
        )
    return silos[0]


def _silo_name(spec: ResourceSpec, tenant: str) -> str:
    for part in spec.partitions:
        if part.arn is None:
            continue
        arn = part.for_tenant(tenant).arn or ""
        resource = arn.split(":", 5)[5] if arn.count(":") >= 5 else ""
        if "*" not in resource and "?" not in resource and resource:
            return resource
    raise ExportError(
        f"resource `{spec.name}`: no partition ARN names the tenant's resource exactly "
        "(without wildcards), so its name cannot be derived"
    )


SILO_SERVICES = ("dynamodb", "s3", "sqs")


def _silo_resource(spec: ResourceSpec, tenant: str, tier: str) -> tuple[dict[str, Any], str]:
    if spec.service not in SILO_SERVICES:
        raise ExportError(
            f"resource `{spec.name}` of service `{spec.service}` is held `silo`, but "
            "per-tenant resources can be exported for " + ", ".join(SILO_SERVICES) + " only"
        )
    name = _silo_name(spec, tenant)
    bare = name.removeprefix("table/") if spec.service == "dynamodb" else name
    problem = None if "/" in bare else name_problem(spec.service, bare)
    if problem is not None:
        raise ExportError(
            f"resource `{spec.name}` of tenant `{tenant}`: the name `{bare}` (from the "
            f"partition ARN) {problem}: {spec.service} would refuse it at deploy time; "
            "narrow the tenant-ID language (alphabet, max_length) or change the name in "
            "the resource model"
        )
    tags = [{"Key": "TenantId", "Value": tenant}, {"Key": "Tier", "Value": tier}]
    if spec.service == "dynamodb":
        if not name.startswith("table/") or name.count("/") != 1:
            raise ExportError(f"resource `{spec.name}`: `{name}` is not a DynamoDB table")
        return (
            {
                "Type": "AWS::DynamoDB::Table",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "TableName": name.removeprefix("table/"),
                    "BillingMode": "PAY_PER_REQUEST",
                    "AttributeDefinitions": [
                        {"AttributeName": {"Ref": "PartitionKeyName"}, "AttributeType": "S"},
                        {"AttributeName": {"Ref": "SortKeyName"}, "AttributeType": "S"},
                    ],
                    "KeySchema": [
                        {"AttributeName": {"Ref": "PartitionKeyName"}, "KeyType": "HASH"},
                        {"AttributeName": {"Ref": "SortKeyName"}, "KeyType": "RANGE"},
                    ],
                    "SSESpecification": {"SSEEnabled": True},
                    "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
                    "Tags": tags,
                },
            },
            "Arn",
        )
    if spec.service == "s3":
        if "/" in name:
            raise ExportError(f"resource `{spec.name}`: `{name}` is not a bucket")
        return (
            {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "BucketName": name,
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "BucketEncryption": {
                        "ServerSideEncryptionConfiguration": [
                            {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                        ]
                    },
                    "Tags": tags,
                },
            },
            "Arn",
        )
    if spec.service == "sqs":
        return (
            {
                "Type": "AWS::SQS::Queue",
                "Properties": {"QueueName": name, "SqsManagedSseEnabled": True, "Tags": tags},
            },
            "Arn",
        )
    raise AssertionError(spec.service)  # pragma: no cover - SILO_SERVICES is checked above


def tenant_template(catalog: Catalog, tenant: str, tier: str | None = None) -> dict[str, Any]:
    """The per-tenant template of a tier's silo resources (to nest once per tenant)."""
    tenant = catalog.language.validate(tenant)
    tier_obj = silo_tier(catalog, tier)
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    needs_keys = False
    for rname, how in tier_obj.resources.items():
        if how != "silo":
            continue
        spec = catalog.resources[rname]
        resource, attr = _silo_resource(spec, tenant, tier_obj.name)
        rid = logical_id(rname)
        resources[rid] = resource
        needs_keys = needs_keys or spec.service == "dynamodb"
        outputs[rid + "Arn"] = {
            "Description": f"{rname} of tenant {tenant}",
            "Value": {"Fn::GetAtt": [rid, attr]},
        }
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": f"policy-engine: silo resources of tenant {tenant} (tier {tier_obj.name}, "
        f"catalogue {catalog.name})",
        "Metadata": {
            "PolicyEngine": {"Catalog": catalog.name, "Tier": tier_obj.name, "Tenant": tenant}
        },
    }
    if needs_keys:
        template["Parameters"] = {
            "PartitionKeyName": {"Type": "String", "Default": "pk", "MinLength": 1},
            "SortKeyName": {"Type": "String", "Default": "sk", "MinLength": 1},
        }
    template["Resources"] = resources
    template["Outputs"] = outputs
    return template


# -- output -----------------------------------------------------------------------------------


def dumps(template: Mapping[str, Any], syntax: Syntax = "json") -> str:
    """JSON (indented) or YAML (block style, intrinsic functions in their long form)."""
    if syntax == "json":
        return json.dumps(template, indent=2) + "\n"
    import yaml

    def _str(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    # no anchors: each principal is written out where it is used
    dumper: Any = type("_Dumper", (yaml.SafeDumper,), {"ignore_aliases": lambda *_: True})
    dumper.add_representer(str, _str)
    text: str = yaml.dump(
        template, Dumper=dumper, sort_keys=False, default_flow_style=False, width=100
    )
    return text


def syntax_for(path: str | None, requested: str | None) -> Syntax:
    if requested in ("json", "yaml"):
        return requested  # type: ignore[return-value]
    if path and path.endswith((".yaml", ".yml")):
        return "yaml"
    return "json"


__all__ = [
    "ExportError",
    "build_template",
    "dumps",
    "logical_id",
    "role_name_and_path",
    "silo_tier",
    "tenant_template",
    "trust_policy",
]
