"""Loading a policy catalogue: a folder with a manifest and Jinja2 templates.

The manifest (``catalog.toml`` or ``catalog.json``) is validated against
``schemas/catalog.schema.json`` and then cross-checked (template files exist, tiers
name known templates and resources, placeholders name known constants). Every load
error names the file and the key path.

>>> catalog = load_catalog()          # the bundled example catalogue
>>> sorted(catalog.tiers)
['basic', 'premium', 'standard']
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

from ._resources import bundled_catalog_dir
from .errors import CatalogError, SchemaIssue, UnknownTemplate, UnknownTier
from .model import json_path_join
from .tenancy import TenantIdLanguage, UnsupportedTenantPattern, session_name_problem

TemplateKind: TypeAlias = Literal["session", "identity", "boundary", "trust", "resource"]
Placement: TypeAlias = Literal["pooled", "silo"]
#: A DynamoDB secondary index: local (the table's partition key), global keyed on the
#: table's partition key attribute, or global keyed on another attribute.
IndexKind: TypeAlias = Literal["local", "global-tenant-key", "global-other-key"]
TENANT_INDEX_KINDS: frozenset[str] = frozenset({"local", "global-tenant-key"})
#: A DynamoDB partition key's attribute type (string or number).
KeyType: TypeAlias = Literal["S", "N"]

MANIFEST_NAMES = ("catalog.toml", "catalog.json")
#: Environment variables read by :func:`load_catalog` when it is given no path / stage.
CATALOG_ENV = "POLICY_ENGINE_CATALOG"
STAGE_ENV = "POLICY_ENGINE_STAGE"
DEFAULT_DURATION_SECONDS = 3600
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    name: str
    file: str
    path: Path
    kind: TemplateKind
    description: str = ""


#: Condition keys whose value is a listing prefix (lower-case): a request lists every
#: key that begins with it (S3 ``ListObjectsV2`` ``Prefix``: "Limits the response to
#: keys that begin with the specified prefix"), so a tenant's part of such a key is
#: closed upward: ``value = "{tenant}/"`` is read as ``"{tenant}/*"`` (``acme/2026/``
#: lists acme's keys only), and the proof, the guard and the test strategies read that.
LISTING_PREFIX_KEYS = frozenset({"s3:prefix"})


@dataclass(frozen=True, slots=True)
class Partition:
    """Where one tenant's part of a resource lives.

    Either ``arn`` (an ARN with ``{tenant}`` where the ID goes; a trailing ``*``
    stands for any suffix) or ``condition_key`` with ``value`` (``{tenant}`` inside).
    Constants are already substituted.
    """

    arn: str | None = None
    condition_key: str | None = None
    value: str | None = None

    def __post_init__(self) -> None:
        # A listing prefix is closed upward however the partition is made (the loader,
        # `check_isolation`'s callers, the guard): `{tenant}/` is `{tenant}/*` (attack
        # review 12-03: a model built in Python kept `{tenant}/` exact, and the proof
        # passed a listing of `globex/2026/`).
        key, value = self.condition_key, self.value
        listing = key is not None and key.lower() in LISTING_PREFIX_KEYS
        if listing and value is not None and not value.endswith("*"):
            object.__setattr__(self, "value", value + "*")

    def for_tenant(self, tenant_id: str) -> Partition:
        return Partition(
            arn=self.arn.replace("{tenant}", tenant_id) if self.arn else None,
            condition_key=self.condition_key,
            value=self.value.replace("{tenant}", tenant_id) if self.value else None,
        )


@dataclass(frozen=True, slots=True)
class ResourceSpec:
    name: str
    service: str
    arn: str
    partitions: tuple[Partition, ...]
    description: str = ""
    #: the template (kind ``resource``) of the resource-based policy attached to it
    policy: str | None = None
    #: holds no tenant's data: covered by the model, never checked for partitions
    shared: bool = False
    #: DynamoDB, a pooled table: its declared secondary indexes, (name, kind) pairs;
    #: only ``local`` and ``global-tenant-key`` indexes are partitioned by the tenant
    indexes: tuple[tuple[str, IndexKind], ...] = ()
    #: DynamoDB, a pooled table: the partition key's attribute type (None: undeclared,
    #: read as ``S``; the proof says unknown where that reading matters)
    partition_key_type: KeyType | None = None

    def tenant_indexes(self) -> tuple[str, ...]:
        """The declared indexes partitioned like the table (by the tenant)."""
        return tuple(n for n, kind in self.indexes if kind in TENANT_INDEX_KINDS)


@dataclass(frozen=True, slots=True)
class Throttle:
    """API Gateway throttle of a usage plan (or of one method in it): steady-state
    requests per second and the burst (token bucket size)."""

    rate: float
    burst: int


@dataclass(frozen=True, slots=True)
class UsageQuota:
    """API Gateway quota of a usage plan: at most ``limit`` requests per ``period``;
    ``offset`` requests are subtracted from the limit in the first period."""

    limit: int
    period: Literal["DAY", "WEEK", "MONTH"]
    offset: int = 0


@dataclass(frozen=True, slots=True)
class UsagePlan:
    """A tier's ``[tiers.X.usage_plan]``: throttle, per-method throttles
    (``"/resource/path/METHOD"``, as API Gateway keys them) and quota."""

    throttle: Throttle | None = None
    methods: Mapping[str, Throttle] = field(default_factory=lambda: MappingProxyType({}))
    quota: UsageQuota | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    role_arn: str
    session_templates: tuple[str, ...]
    role_templates: tuple[str, ...]
    resources: Mapping[str, Placement]
    duration_seconds: int = DEFAULT_DURATION_SECONDS
    transitive_tag_keys: tuple[str, ...] = ()
    description: str = ""
    api_templates: tuple[str, ...] = ()
    api_key_env: str | None = None
    trust_template: str | None = None
    #: API Gateway usage plan of the tier's API key (``[tiers.X.usage_plan]``)
    usage_plan: UsagePlan | None = None
    #: reserved concurrency of each of the tier's Lambda functions
    reserved_concurrency: int | None = None

    @property
    def account(self) -> str:
        """The account of the tier's role, which is the account of every session of
        it (``aws:PrincipalAccount``, the session ARN ``arn:P:sts::ACCOUNT:...``),
        whatever the catalogue's ``account_id`` constant says."""
        account = role_account(self.role_arn)
        if account is None:  # the schema admits only role ARNs with a 12-digit account
            raise CatalogError(
                "catalogue",
                f"`{self.role_arn}` is not an IAM role ARN with a 12-digit account",
                key_path=f"$.tiers.{self.name}.role_arn",
            )
        return account

    @property
    def templates(self) -> tuple[str, ...]:
        """Every template the tier uses: session, role, API, then trust."""
        trust = (self.trust_template,) if self.trust_template else ()
        return self.session_templates + self.role_templates + self.api_templates + trust


@dataclass(frozen=True, slots=True)
class AuthorizerSpec:
    """The ``[authorizer]`` section: how the API Gateway authorizer verifies tokens."""

    issuer: str
    audience: tuple[str, ...]
    audience_claim: str = "aud"
    jwks_url: str | None = None
    jwks_file: Path | None = None
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    token_use: str | None = None
    leeway_seconds: int = 30
    jwks_ttl_seconds: int = 600
    tenant_claim: str = "custom:tenantId"
    tier_claim: str = "custom:tier"
    principal_claim: str = "sub"
    http_api_response: str = "simple"


@dataclass(frozen=True, slots=True)
class Suppression:
    rule: str
    reason: str
    template: str | None = None
    tier: str | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    """A loaded, cross-checked catalogue."""

    root: Path
    manifest: Path
    name: str
    language: TenantIdLanguage
    constants: Mapping[str, str | int | bool]
    templates: Mapping[str, TemplateSpec]
    tiers: Mapping[str, Tier]
    resources: Mapping[str, ResourceSpec]
    description: str = ""
    examples: tuple[str, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    authorizer: AuthorizerSpec | None = None
    #: the stage whose ``[stages.<name>.constants]`` were applied (``None``: none)
    stage: str | None = None
    #: the roles that run the credential vendor (``vendor_roles``): the principals a
    #: tier role's trust policy may admit for vending
    vendor_roles: tuple[str, ...] = ()
    _raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def stages(self) -> tuple[str, ...]:
        """The stages the manifest defines under ``[stages]`` (sorted)."""
        return tuple(sorted(self._raw.get("stages", {})))

    def stage_note(self) -> str | None:
        """Which stage a check of this catalogue covers, for reports (None when the
        manifest defines no stages): the constants differ per stage, so a result holds
        for the stage it was computed with only."""
        if not self.stages:
            return None
        names = ", ".join(f"`{s}`" for s in self.stages)
        if self.stage is not None:
            return f"stage `{self.stage}` (of {names}): results hold for this stage only"
        return (
            f"no stage selected: the base [constants] only (the catalogue defines {names}; "
            f"check each with --stage or ${STAGE_ENV})"
        )

    def tier(self, name: str) -> Tier:
        try:
            return self.tiers[name]
        except KeyError:
            raise UnknownTier(name, sorted(self.tiers)) from None

    def template(self, name: str) -> TemplateSpec:
        try:
            return self.templates[name]
        except KeyError:
            raise UnknownTemplate(name, sorted(self.templates)) from None


_ROLE_ARN = re.compile(r"arn:[a-z-]+:iam::(\d{12}):role/.+")


_ROLE_NAME = re.compile(r"arn:([a-z-]+):iam::(\d{12}):role/(?:.*/)?([^/]+)")


def role_identity(role_arn: str) -> str:
    """What names one IAM role: its partition, account and name, the name read without
    regard to case and the path left out ("IAM user, group, role, and policy names must
    be unique within the account. Names are not distinguished by case": IAM API
    reference, CreateRole ``RoleName``; the path is an attribute of the role, not part
    of its name). Two tiers whose role ARNs have one identity assume one role, which
    carries the policies of both. Text that is no role ARN is its own identity."""
    m = _ROLE_NAME.fullmatch(role_arn)
    return f"{m[1]}:{m[2]}:{m[3].lower()}" if m else role_arn


def role_account(role_arn: str) -> str | None:
    """The account of an IAM role ARN (``arn:P:iam::ACCOUNT:role/NAME``), or None
    when the text is no role ARN with a 12-digit account."""
    m = _ROLE_ARN.fullmatch(role_arn)
    return m[1] if m else None


@cache
def default_catalog() -> Catalog:
    """The bundled example catalogue, loaded once per process (the environment's
    catalogue and stage variables do not apply)."""
    return _load_catalog(bundled_catalog_dir(), None)


def find_manifest(root: Path) -> Path:
    if root.is_file():
        return root
    for name in MANIFEST_NAMES:
        candidate = root / name
        if candidate.is_file():
            return candidate
    raise CatalogError(
        str(root), f"no manifest found: a catalogue folder holds {' or '.join(MANIFEST_NAMES)}"
    )


def _placeholder_hints(raw: Mapping[str, Any]) -> dict[str, str]:
    """For each partition whose `arn` or `value` names a placeholder that is neither
    ``{tenant}`` nor a constant (``{tenat}``), a message naming it: the schema only says
    the partition lacks ``{tenant}``."""
    import difflib

    constants = raw.get("constants")
    names = ["tenant", *(constants if isinstance(constants, Mapping) else ())]
    hints: dict[str, str] = {}
    resources = raw.get("resources")
    for rname, spec in (resources if isinstance(resources, Mapping) else {}).items():
        parts = spec.get("partitions") if isinstance(spec, Mapping) else None
        for i, part in enumerate(parts if isinstance(parts, list) else ()):
            if not isinstance(part, Mapping):
                continue
            for key in ("arn", "value"):
                text = part.get(key)
                if not isinstance(text, str) or "{tenant}" in text:
                    continue
                for name in _PLACEHOLDER.findall(text):
                    if name in names:
                        continue
                    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
                    hints[f"$.resources.{rname}.partitions[{i}]"] = (
                        f"`{key}` names `{{{name}}}`, which is neither `{{tenant}}` nor a "
                        "constant"
                        + (f" (did you mean `{{{close[0]}}}`?)" if close else "")
                        + "; a partition says where one tenant's part lives, with `{tenant}`"
                    )
                    break
    return hints


def _placement_hints(raw: Mapping[str, Any]) -> dict[str, str]:
    """For each tier resource held neither `pooled` nor `silo`, a message quoting it."""
    hints: dict[str, str] = {}
    tiers = raw.get("tiers")
    for tname, spec in (tiers if isinstance(tiers, Mapping) else {}).items():
        held = spec.get("resources") if isinstance(spec, Mapping) else None
        for rname, how in (held if isinstance(held, Mapping) else {}).items():
            if how not in ("pooled", "silo"):
                hints[f"$.tiers.{tname}.resources.{rname}"] = (
                    f"`{how}`: a tier holds each resource `pooled` or `silo`"
                )
    return hints


_ARN_FIELDS = ("partition", "service", "region", "account")


def _check_arn_fields(
    where: str, base: str, service: str, arn: str, partitions: Sequence[Partition]
) -> None:
    """A resource's ARN names its `service`, and each ARN partition lies in the
    resource's partition, service, region and account: a partition elsewhere (an
    account ID typed wrong in one of them) is no part of the resource, and the proof
    would report the resource's names as no tenant's partition, far from the cause."""
    fields = arn.split(":", 5)
    if len(fields) < 6:
        return  # the schema's ARN pattern speaks for the form
    if fields[2] != service and not _has_glob(fields[2]):
        raise CatalogError(
            where,
            f"the ARN names service `{fields[2]}`, but the resource is of service `{service}`",
            key_path=f"{base}.arn",
        )
    for i, part in enumerate(partitions):
        if part.arn is None:
            continue
        theirs = part.arn.split(":", 5)
        if len(theirs) < 6:
            continue
        for label, mine, their in zip(_ARN_FIELDS, fields[1:5], theirs[1:5], strict=True):
            if "{tenant}" in their or _has_glob(their):
                continue
            if fnmatch.fnmatchcase(their, mine) if _has_glob(mine) else their == mine:
                continue
            raise CatalogError(
                where,
                f"the partition's {label} `{their}` differs from the resource's `arn` "
                f"({label} `{mine}`): a partition must lie in the resource it divides",
                key_path=f"{base}.partitions[{i}].arn",
            )


def _has_glob(text: str) -> bool:
    return "*" in text or "?" in text


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(str(path), f"cannot read manifest: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(str(path), f"manifest is not UTF-8: {exc.reason}") from exc
    try:
        if path.suffix == ".toml":
            return tomllib.loads(text)
        data = json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(str(path), f"invalid TOML: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(
            str(path), f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    if not isinstance(data, dict):
        raise CatalogError(str(path), "the manifest must be a JSON object")
    return data


def load_catalog(path: str | Path | None = None, *, stage: str | None = None) -> Catalog:
    """Load and check a catalogue folder (or manifest file).

    Without ``path``: the folder named by ``$POLICY_ENGINE_CATALOG``, else the bundled
    example. Without ``stage``: ``$POLICY_ENGINE_STAGE`` if set; a stage applies the
    manifest's ``[stages.<stage>.constants]`` over ``[constants]``."""
    root = Path(path) if path is not None else catalog_path_from_env()
    return _load_catalog(root, stage if stage is not None else stage_from_env())


def _load_catalog(root: Path, stage: str | None) -> Catalog:
    from .schema import catalog_validator, issues_from

    if not root.exists():
        raise CatalogError(str(root), "no such catalogue folder or manifest")
    manifest = find_manifest(root)
    root = manifest.parent
    raw = read_manifest(manifest)
    where = str(manifest)

    issues = list(issues_from(catalog_validator().iter_errors(raw)))
    if issues:
        # An unknown key first: a misspelt key also leaves the key it meant missing,
        # and the misspelling is the cause.
        issues.sort(key=lambda i: not i.message.startswith("unknown key"))
        hints = {**_placeholder_hints(raw), **_placement_hints(raw)}
        issues = [SchemaIssue(i.path, hints[i.path]) if i.path in hints else i for i in issues]
        first, rest = issues[0], issues[1:]
        more = "; ".join(f"{i.path}: {i.message}" for i in rest[:3])
        if len(rest) > 3:
            more += f"; and {len(rest) - 3} more"
        raise CatalogError(
            where, first.message + (f" (also {more})" if more else ""), key_path=first.path
        )

    try:
        language = TenantIdLanguage.from_spec(raw["tenant_id"])
    except UnsupportedTenantPattern as exc:
        raise CatalogError(where, str(exc), key_path="$.tenant_id.pattern") from exc
    except ValueError as exc:
        raise CatalogError(where, str(exc), key_path="$.tenant_id") from exc
    problem = session_name_problem(language)
    if problem is not None:  # vending names each tenant's STS session injectively
        raise CatalogError(where, problem, key_path="$.tenant_id")
    examples = tuple(raw["tenant_id"].get("examples", ()))
    for i, example in enumerate(examples):
        reason = language.reason_invalid(example)
        if reason is not None:
            raise CatalogError(
                where,
                f"example tenant ID `{example}` {reason}",
                key_path=f"$.tenant_id.examples[{i}]",
            )

    constants: dict[str, str | int | bool] = dict(raw["constants"])
    constants.update(_stage_constants(raw, stage, where))

    def subst(text: str, key_path: str) -> str:
        def repl(m: re.Match[str]) -> str:
            name = m.group(1)
            if name == "tenant":
                return m.group(0)
            if name not in constants:
                raise CatalogError(
                    where,
                    f"placeholder `{{{name}}}` names no constant; define `{name}` under "
                    "[constants]",
                    key_path=key_path,
                )
            return str(constants[name])

        return _PLACEHOLDER.sub(repl, text)

    templates: dict[str, TemplateSpec] = {}
    for name, spec in raw["templates"].items():
        file_path = (root / spec["file"]).resolve()
        if not file_path.is_relative_to(root.resolve()):
            raise CatalogError(
                where, "template file lies outside the catalogue", key_path=f"$.templates.{name}"
            )
        if not file_path.is_file():
            raise CatalogError(
                where,
                f"template file `{spec['file']}` does not exist",
                key_path=f"$.templates.{name}.file",
            )
        templates[name] = TemplateSpec(
            name=name,
            file=spec["file"],
            path=file_path,
            kind=spec["kind"],
            description=spec.get("description", ""),
        )

    resources: dict[str, ResourceSpec] = {}
    for name, spec in raw["resources"].items():
        base = f"$.resources.{name}"
        partitions = []
        shared = bool(spec.get("shared", False))
        if shared == bool(spec.get("partitions")):
            raise CatalogError(
                where,
                "a shared resource (`shared = true`) has no partitions; any other resource "
                "needs at least one partition (where one tenant's part of it lives)",
                key_path=f"{base}.partitions",
            )
        for i, part in enumerate(spec.get("partitions", ())):
            p_path = f"{base}.partitions[{i}]"
            key = part.get("condition_key")
            value = subst(part["value"], f"{p_path}.value") if "value" in part else None
            # (a listing prefix is closed upward by `Partition` itself)
            partitions.append(
                Partition(
                    arn=subst(part["arn"], f"{p_path}.arn") if "arn" in part else None,
                    condition_key=key,
                    value=value,
                )
            )
        policy = spec.get("policy")
        if policy is not None and policy not in templates:
            raise CatalogError(
                where,
                f"unknown template `{policy}`; the catalogue defines "
                + ", ".join(f"`{t}`" for t in sorted(templates)),
                key_path=f"{base}.policy",
            )
        if policy is not None and templates[policy].kind != "resource":
            raise CatalogError(
                where,
                f"template `{policy}` is of kind `{templates[policy].kind}`; a resource's "
                "`policy` takes a template of kind resource",
                key_path=f"{base}.policy",
            )
        indexes = tuple(sorted(spec.get("indexes", {}).items()))
        key_type = spec.get("partition_key_type")
        pooled_table = spec["service"] == "dynamodb" and any(
            p.condition_key is not None and p.condition_key.lower() == "dynamodb:leadingkeys"
            for p in partitions
        )
        for field_name, given in (("indexes", indexes), ("partition_key_type", key_type)):
            if given and not pooled_table:
                raise CatalogError(
                    where,
                    f"`{field_name}` describes a pooled DynamoDB table: it needs "
                    '`service = "dynamodb"` and a partition `{ condition_key = '
                    '"dynamodb:LeadingKeys", value = "{tenant}" }`',
                    key_path=f"{base}.{field_name}",
                )
        resource_arn = subst(spec["arn"], f"{base}.arn")
        _check_arn_fields(where, base, spec["service"], resource_arn, partitions)
        resources[name] = ResourceSpec(
            name=name,
            service=spec["service"],
            arn=resource_arn,
            partitions=tuple(partitions),
            description=spec.get("description", ""),
            policy=policy,
            shared=shared,
            indexes=indexes,
            partition_key_type=key_type,
        )

    tiers: dict[str, Tier] = {}
    for name, spec in raw["tiers"].items():
        base = f"$.tiers.{name}"
        trust = spec.get("trust_template")
        for field_name, kinds, names in (
            ("session_templates", ("session",), spec.get("session_templates", ())),
            ("role_templates", ("identity", "boundary"), spec.get("role_templates", ())),
            ("api_templates", ("identity",), spec.get("api_templates", ())),
            ("trust_template", ("trust",), (trust,) if trust is not None else ()),
        ):
            for i, tname in enumerate(names):
                key_path = f"{base}.{field_name}" + (
                    f"[{i}]" if field_name != "trust_template" else ""
                )
                if tname not in templates:
                    raise CatalogError(
                        where,
                        f"unknown template `{tname}`; the catalogue defines "
                        + ", ".join(f"`{t}`" for t in sorted(templates)),
                        key_path=key_path,
                    )
                if templates[tname].kind not in kinds:
                    raise CatalogError(
                        where,
                        f"template `{tname}` is of kind `{templates[tname].kind}`; "
                        f"{field_name} takes templates of kind {' or '.join(kinds)}",
                        key_path=key_path,
                    )
        for rname in spec["resources"]:
            if rname not in resources:
                raise CatalogError(
                    where,
                    f"unknown resource `{rname}`; the catalogue defines "
                    + ", ".join(f"`{r}`" for r in sorted(resources)),
                    key_path=f"{base}.resources.{rname}",
                )
        tiers[name] = Tier(
            name=name,
            role_arn=subst(spec["role_arn"], f"{base}.role_arn"),
            session_templates=tuple(spec.get("session_templates", ())),
            role_templates=tuple(spec.get("role_templates", ())),
            resources=MappingProxyType(dict(spec["resources"])),
            duration_seconds=int(spec.get("duration_seconds", DEFAULT_DURATION_SECONDS)),
            transitive_tag_keys=tuple(spec.get("transitive_tag_keys", ())),
            description=spec.get("description", ""),
            api_templates=tuple(spec.get("api_templates", ())),
            api_key_env=spec.get("api_key_env"),
            trust_template=trust,
            usage_plan=_usage_plan(spec.get("usage_plan"), where, f"{base}.usage_plan"),
            reserved_concurrency=spec.get("reserved_concurrency"),
        )

    suppressions = tuple(
        Suppression(
            rule=s["rule"], reason=s["reason"], template=s.get("template"), tier=s.get("tier")
        )
        for s in raw.get("suppressions", ())
    )

    authorizer = _authorizer(raw.get("authorizer"), root, where)

    return Catalog(
        root=root,
        manifest=manifest,
        name=raw["name"],
        description=raw.get("description", ""),
        language=language,
        constants=MappingProxyType(constants),
        templates=MappingProxyType(templates),
        tiers=MappingProxyType(tiers),
        resources=MappingProxyType(resources),
        examples=examples,
        suppressions=suppressions,
        authorizer=authorizer,
        stage=stage,
        vendor_roles=tuple(
            subst(arn, f"$.vendor_roles[{i}]") for i, arn in enumerate(raw.get("vendor_roles", ()))
        ),
        _raw=raw,
    )


def _usage_plan(spec: Mapping[str, Any] | None, where: str, base: str) -> UsagePlan | None:
    """The tier's usage plan; the schema checked shapes and ranges, this checks what
    relates one field to another."""
    if spec is None:
        return None

    def throttle(raw: Mapping[str, Any]) -> Throttle:
        return Throttle(rate=float(raw["rate"]), burst=int(raw["burst"]))

    plan_throttle = throttle(spec["throttle"]) if "throttle" in spec else None
    methods: dict[str, Throttle] = {}
    for key, raw in (spec.get("throttle", {}).get("methods") or {}).items():
        method = throttle(raw)
        if plan_throttle is not None and (
            method.rate > plan_throttle.rate or method.burst > plan_throttle.burst
        ):
            raise CatalogError(
                where,
                f"the throttle of `{key}` (rate {method.rate:g}, burst {method.burst}) exceeds "
                f"the plan's (rate {plan_throttle.rate:g}, burst {plan_throttle.burst}); a "
                "method throttle can only narrow the plan's",
                key_path=json_path_join(f"{base}.throttle.methods", key),
            )
        methods[key] = method
    quota = None
    if "quota" in spec:
        raw_quota = spec["quota"]
        quota = UsageQuota(
            limit=int(raw_quota["limit"]),
            period=raw_quota["period"],
            offset=int(raw_quota.get("offset", 0)),
        )
        if quota.offset >= quota.limit:
            raise CatalogError(
                where,
                f"`offset` ({quota.offset}) is the number of requests taken off the first "
                f"period's limit; it must be smaller than `limit` ({quota.limit})",
                key_path=f"{base}.quota.offset",
            )
    return UsagePlan(
        throttle=plan_throttle,
        methods=MappingProxyType(methods),
        quota=quota,
        description=spec.get("description", ""),
    )


# -- configuration from the environment and per-stage constants -----------------------------


def catalog_path_from_env(environ: Mapping[str, str] | None = None) -> Path:
    """``$POLICY_ENGINE_CATALOG`` as a path, or the bundled catalogue when it is unset.
    Set but empty is refused (a misconfigured deployment must not fall back to the
    example catalogue and its example account)."""
    env = os.environ if environ is None else environ
    value = env.get(CATALOG_ENV)
    if value is None:
        return bundled_catalog_dir()
    if not value.strip():
        raise CatalogError(
            f"${CATALOG_ENV}",
            "is set but empty; set it to a catalogue folder or manifest file, or unset it "
            "to use the bundled example catalogue",
        )
    return Path(value)


def stage_from_env(environ: Mapping[str, str] | None = None) -> str | None:
    """``$POLICY_ENGINE_STAGE``, or ``None`` when it is unset (set but empty is refused)."""
    env = os.environ if environ is None else environ
    value = env.get(STAGE_ENV)
    if value is None:
        return None
    if not value.strip():
        raise CatalogError(
            f"${STAGE_ENV}", "is set but empty; set it to a stage of the catalogue or unset it"
        )
    return value


def _stage_constants(raw: Mapping[str, Any], stage: str | None, where: str) -> dict[str, Any]:
    """The constants ``stage`` overrides (each must be a constant of ``[constants]``)."""
    stages: Mapping[str, Any] = raw.get("stages", {})
    if stage is None:
        return {}
    if stage not in stages:
        known = ", ".join(f"`{s}`" for s in sorted(stages)) or "none"
        raise CatalogError(
            where,
            f"unknown stage `{stage}` (from --stage or ${STAGE_ENV}); the catalogue defines "
            f"{known} under [stages]",
            key_path="$.stages",
        )
    overrides: dict[str, Any] = dict(stages[stage].get("constants", {}))
    for name in overrides:
        if name not in raw["constants"]:
            raise CatalogError(
                where,
                f"stage `{stage}` overrides `{name}`, which is not a constant; a stage may "
                "only override names defined under [constants]",
                key_path=f"$.stages.{stage}.constants.{name}",
            )
    return overrides


def _authorizer(spec: Mapping[str, Any] | None, root: Path, where: str) -> AuthorizerSpec | None:
    if spec is None:
        return None
    jwks_file = None
    if "jwks_url" in spec and "jwks_file" in spec:
        raise CatalogError(
            where, "give `jwks_url` or `jwks_file`, not both", key_path="$.authorizer"
        )
    if "jwks_file" in spec:
        jwks_file = (root / spec["jwks_file"]).resolve()
        if not jwks_file.is_relative_to(root.resolve()) or not jwks_file.is_file():
            raise CatalogError(
                where,
                f"JWKS file `{spec['jwks_file']}` does not exist inside the catalogue",
                key_path="$.authorizer.jwks_file",
            )
    audience = spec["audience"]
    defaults = AuthorizerSpec(issuer="", audience=())
    return AuthorizerSpec(
        issuer=spec["issuer"],
        audience=(audience,) if isinstance(audience, str) else tuple(audience),
        audience_claim=spec.get("audience_claim", defaults.audience_claim),
        jwks_url=spec.get("jwks_url"),
        jwks_file=jwks_file,
        algorithms=tuple(spec.get("algorithms", defaults.algorithms)),
        token_use=spec.get("token_use"),
        leeway_seconds=int(spec.get("leeway_seconds", defaults.leeway_seconds)),
        jwks_ttl_seconds=int(spec.get("jwks_ttl_seconds", defaults.jwks_ttl_seconds)),
        tenant_claim=spec.get("tenant_claim", defaults.tenant_claim),
        tier_claim=spec.get("tier_claim", defaults.tier_claim),
        principal_claim=spec.get("principal_claim", defaults.principal_claim),
        http_api_response=spec.get("http_api_response", defaults.http_api_response),
    )
