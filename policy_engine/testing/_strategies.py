"""Strategy implementations; import them from :mod:`policy_engine.testing`."""

from __future__ import annotations

import string
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..catalog import Catalog
from ..tenancy import TenantIdLanguage

#: Fragments that must never survive tenant-ID validation.
HOSTILE_FRAGMENTS = (
    "*",
    "?",
    '"',
    "'",
    "${",
    "${aws:username}",
    "}",
    "/",
    ":",
    "\\",
    " ",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x7f",
    "{{",
    "}}",
    "{%",
    "{{ tenant }}",
    "[",
    "#",
    "é",
    "\u0101",
    "\u4e2d",
    "\U0001f600",
    "\u200b",
)


def _language(catalog: Catalog | None, language: TenantIdLanguage | None) -> TenantIdLanguage:
    if catalog is not None and language is not None:
        raise InvalidArgument("pass either catalog= or language=, not both")
    if catalog is not None:
        if not isinstance(catalog, Catalog):
            raise InvalidArgument(f"catalog must be a Catalog, not {type(catalog).__name__}")
        return catalog.language
    if language is not None:
        if not isinstance(language, TenantIdLanguage):
            raise InvalidArgument(
                f"language must be a TenantIdLanguage, not {type(language).__name__}"
            )
        return language
    raise InvalidArgument("tenant-ID strategies need catalog= or language=")


def tenant_ids(
    *, catalog: Catalog | None = None, language: TenantIdLanguage | None = None
) -> st.SearchStrategy[str]:
    """Valid tenant IDs of a catalogue's language, biased toward edge cases:
    the catalogue's examples, the shortest and longest IDs, IDs that are prefixes of
    each other, digits only, and separators at every allowed position."""
    lang = _language(catalog, language)
    examples = [e for e in (catalog.examples if catalog else ()) if lang.is_valid(e)]
    alphabet = "".join(sorted(lang.alphabet))
    if lang.pattern is not None:
        raw: st.SearchStrategy[str] = st.from_regex(lang.pattern, fullmatch=True)
    else:
        raw = st.text(alphabet=alphabet, min_size=lang.min_length, max_size=lang.max_length)
    edge = st.builds(
        lambda base, n: (base * lang.max_length)[:n],
        st.sampled_from(sorted(lang.alphabet)),
        st.sampled_from(sorted({lang.min_length, lang.max_length})),
    )
    digits = sorted(lang.alphabet & set(string.digits))
    parts: list[st.SearchStrategy[str]] = [raw, edge]
    if digits:
        parts.append(
            st.text(alphabet="".join(digits), min_size=lang.min_length, max_size=lang.max_length)
        )
    # Prefix pairs: an example and that example extended by a separator and more.
    if examples:
        parts.append(st.sampled_from(examples))
        parts.append(
            st.builds(lambda e, tail: e + tail, st.sampled_from(examples), raw).map(
                lambda s: s[: lang.max_length]
            )
        )
    return st.one_of(*parts).filter(lang.is_valid)


def adversarial_tenant_ids(
    *, catalog: Catalog | None = None, language: TenantIdLanguage | None = None
) -> st.SearchStrategy[str]:
    """Strings a tenant-ID check must refuse: wildcards, quotes, policy variables, path
    and ARN separators, whitespace and control characters, case variants, non-Latin-1,
    empty, over-long and Jinja syntax, each spliced into an otherwise valid ID."""
    lang = _language(catalog, language)
    valid = tenant_ids(catalog=catalog) if catalog is not None else tenant_ids(language=lang)
    spliced = st.builds(
        lambda base, frag, pos: (
            base[: pos % (len(base) + 1)] + frag + base[pos % (len(base) + 1) :]
        ),
        valid,
        st.sampled_from(HOSTILE_FRAGMENTS),
        st.integers(min_value=0, max_value=64),
    )
    too_long = valid.map(
        lambda s: (s * (lang.max_length // max(len(s), 1) + 2))[: lang.max_length + 1]
    )
    too_short = valid.map(lambda s: s[: lang.min_length - 1])
    case_variant = valid.map(str.swapcase)
    anything = st.text(max_size=lang.max_length + 4)
    return st.one_of(spliced, too_long, too_short, case_variant, anything).filter(
        lambda s: not lang.is_valid(s)
    )


def tiers(catalog: Catalog) -> st.SearchStrategy[str]:
    """The catalogue's tier names."""
    if not isinstance(catalog, Catalog):
        raise InvalidArgument(f"catalog must be a Catalog, not {type(catalog).__name__}")
    if not catalog.tiers:
        raise InvalidArgument("the catalogue defines no tiers")
    return st.sampled_from(sorted(catalog.tiers))


def tenant_pairs(catalog: Catalog) -> st.SearchStrategy[tuple[str, str]]:
    """Two distinct tenant IDs of the catalogue's language."""
    ids = tenant_ids(catalog=catalog)
    return st.tuples(ids, ids).filter(lambda pair: pair[0] != pair[1])


# -- requests ----------------------------------------------------------------------------

_SUFFIX = st.text(alphabet="abcxyz0123456789._-/", min_size=0, max_size=12)
_DATA_WORDS = (
    "get",
    "put",
    "query",
    "scan",
    "list",
    "delete",
    "update",
    "send",
    "receive",
    "decrypt",
    "encrypt",
    "batch",
    "describe",
)


def _check_catalog(catalog: object) -> Catalog:
    if not isinstance(catalog, Catalog):
        raise InvalidArgument(f"catalog must be a Catalog, not {type(catalog).__name__}")
    return catalog


def _check_tenant(tenant: object, catalog: Catalog, name: str) -> str:
    if not isinstance(tenant, str):
        raise InvalidArgument(f"{name} must be a str, not {type(tenant).__name__}")
    reason = catalog.language.reason_invalid(tenant)
    if reason is not None:
        raise InvalidArgument(f"{name} `{tenant}` is not a tenant ID of the catalogue: {reason}")
    return tenant


def _actions(service: str) -> st.SearchStrategy[str]:
    from ..isolation import _catalogue_actions

    actions = [a for a in _catalogue_actions(service) if a.split(":")[1].startswith(_DATA_WORDS)]
    return st.sampled_from(actions or [f"{service}:getobject"])


def _fill(pattern: str, tenant: str, draw: st.DrawFn) -> str:
    """A concrete string of ``pattern``: the tenant in ``{tenant}``, text in each ``*``."""
    out = pattern.replace("{tenant}", tenant)
    while "*" in out:
        out = out.replace("*", draw(_SUFFIX), 1)
    return out.replace("?", "x")


def requests_on(tenant: str, catalog: Catalog) -> st.SearchStrategy[Any]:
    """Requests on ``tenant``'s partition of each resource of the catalogue's resource
    model: object and queue ARNs, list prefixes, leading keys, encryption contexts."""
    from ..evaluate import Request

    catalog = _check_catalog(catalog)
    tenant = _check_tenant(tenant, catalog, "tenant")
    parts = [(r, p) for r in catalog.resources.values() for p in r.partitions]

    @st.composite
    def build(draw: st.DrawFn) -> Request:
        resource, partition = draw(st.sampled_from(parts))
        action = draw(_actions(resource.service))
        if partition.arn is not None:
            return Request(action, _fill(partition.arn, tenant, draw))
        assert partition.condition_key is not None
        assert partition.value is not None
        key = partition.condition_key
        value = _fill(partition.value, tenant, draw)
        if key.lower() in _PREFIX_KEYS:
            value = draw(st.sampled_from([value, f"{tenant}/", tenant + "/" + draw(_SUFFIX)]))
        context: dict[str, Any] = {key: [value] if key.lower() in _MULTI_KEYS else value}
        return Request(action, _fill(resource.arn, tenant, draw), context)

    return build()


def keyless_requests(catalog: Catalog) -> st.SearchStrategy[Any]:
    """Requests on pooled resources that name no partition: the partition's condition
    key absent (a Scan, a ListBucket without prefix, Encrypt without context) or an
    empty ``s3:prefix``."""
    from ..evaluate import Request

    catalog = _check_catalog(catalog)
    keyed = [(r, p) for r in catalog.resources.values() for p in r.partitions if p.condition_key]
    if not keyed:
        raise InvalidArgument("the resource model has no condition-key partitions")

    @st.composite
    def build(draw: st.DrawFn) -> Request:
        resource, partition = draw(st.sampled_from(keyed))
        assert partition.condition_key is not None
        action = draw(_actions(resource.service))
        arn = _fill(resource.arn, "shared", draw)
        if partition.condition_key.lower() in _PREFIX_KEYS and draw(st.booleans()):
            return Request(action, arn, {partition.condition_key: ""})
        return Request(action, arn)

    return build()


def cross_tenant_requests(a: str, b: str, catalog: Catalog) -> st.SearchStrategy[Any]:
    """Requests tenant ``a`` must never be allowed: on ``b``'s partitions (also with
    ``a``'s own value beside ``b``'s in multivalued keys) and key-less requests."""
    from ..evaluate import Request

    catalog = _check_catalog(catalog)
    a = _check_tenant(a, catalog, "a")
    b = _check_tenant(b, catalog, "b")
    if a == b:
        raise InvalidArgument(f"a and b must be distinct tenants, both are `{a}`")

    def mixed(request: Request) -> Request:
        ctx = dict(request.context)
        for key, value in ctx.items():
            if isinstance(value, list):
                ctx[key] = [a, *value]
        return Request(request.action, request.resource, ctx, principal=request.principal)

    on_b = requests_on(b, catalog)
    parts: list[st.SearchStrategy[Any]] = [on_b, on_b.map(mixed)]
    if any(p.condition_key for r in catalog.resources.values() for p in r.partitions):
        parts.append(keyless_requests(catalog))
    return st.one_of(*parts)


_PREFIX_KEYS = frozenset({"s3:prefix"})
_MULTI_KEYS = frozenset({"dynamodb:leadingkeys", "dynamodb:attributes", "aws:tagkeys"})
