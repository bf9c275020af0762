"""Strategy implementations; import them from :mod:`policy_engine.testing`."""

from __future__ import annotations

import string
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..catalog import LISTING_PREFIX_KEYS, Catalog, Partition, ResourceSpec
from ..errors import PolicyEngineError
from ..tenancy import TenantIdLanguage

if TYPE_CHECKING:
    from ..evaluate import Request

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
        lang = _check_catalog(catalog).language
    elif language is not None:
        if not isinstance(language, TenantIdLanguage):
            raise InvalidArgument(
                f"language must be a TenantIdLanguage, not {type(language).__name__}"
            )
        lang = language
    else:
        raise InvalidArgument("tenant-ID strategies need catalog= or language=")
    _check_not_empty(lang)
    return lang


class _Walker:
    """Draws words of a tenant-ID language straight from its automaton: a length
    among those the language has, then one symbol at a time among those that can
    still end in an accepted word of that length. Every draw is valid; nothing is
    filtered (so fixed-length languages, UUIDs and rare separators generate as
    easily as any other)."""

    def __init__(self, language: TenantIdLanguage) -> None:
        from .. import _automata as fa
        from ..isolation._language import _language_automaton

        self.language = language
        self.nfa = _language_automaton(language)
        self.sigma = sorted(language.alphabet, key=_symbol_order)
        self.start = self.nfa.closure([self.nfa.start])
        self._lengths: dict[frozenset[int], frozenset[int]] = {}
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}
        self.fa = fa

    def step(self, states: frozenset[int], symbol: str) -> frozenset[int]:
        key = (states, symbol)
        found = self._steps.get(key)
        if found is None:
            found = self._steps[key] = self.nfa.step(states, symbol)
        return found

    def lengths(self, states: frozenset[int]) -> frozenset[int]:
        """How many more symbols can end in an accepted word from ``states`` (the
        automaton is acyclic: its lengths are bounded by ``max_length``)."""
        found = self._lengths.get(states)
        if found is not None:
            return found
        out = {0} if self.nfa.accepts_any(states) else set()
        for symbol in self.sigma:
            nxt = self.step(states, symbol)
            if nxt:
                out.update(n + 1 for n in self.lengths(nxt))
        result = self._lengths[states] = frozenset(out)
        return result

    def options(self, states: frozenset[int], remaining: int) -> list[str]:
        """The symbols after which a word of exactly ``remaining - 1`` more symbols is
        accepted."""
        return [
            symbol
            for symbol in self.sigma
            if (nxt := self.step(states, symbol)) and remaining - 1 in self.lengths(nxt)
        ]

    def walk(self, draw: st.DrawFn, states: frozenset[int], length: int, prefix: str = "") -> str:
        """A word of exactly ``length`` more symbols from ``states``, drawn with one of
        a few biases (uniform, digits first, separators first, one character repeated)."""
        mode = draw(st.sampled_from(("any", "digits", "separators", "repeat")))
        word = prefix
        for remaining in range(length, 0, -1):
            choices = self.options(states, remaining)
            preferred = choices
            if mode == "digits":
                preferred = [c for c in choices if c.isdigit()]
            elif mode == "separators":
                preferred = [c for c in choices if not c.isalnum()]
            elif mode == "repeat" and word:
                preferred = [c for c in choices if c == word[-1]]
            symbol = draw(st.sampled_from(preferred or choices))
            word += symbol
            states = self.step(states, symbol)
        return word

    def words(self, *, examples: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
        lengths = sorted(self.lengths(self.start))
        extremes = sorted({lengths[0], lengths[-1]})

        @st.composite
        def word(draw: st.DrawFn) -> str:
            # shortest and longest IDs a quarter of the time each way
            pick = draw(st.integers(0, 3))
            length = draw(st.sampled_from(extremes if pick == 0 else lengths))
            return self.walk(draw, self.start, length)

        parts: list[st.SearchStrategy[str]] = [word()]
        if examples:
            parts.append(st.sampled_from(examples))
        return st.one_of(*parts)

    def end_state(self, word: str) -> frozenset[int]:
        states = self.start
        for symbol in word:
            states = self.step(states, symbol)
        return states

    def distinct(self, a: str) -> str:
        """A word other than ``a`` (the language has at least two)."""
        for other in self.fa.shortest_words(self.nfa, frozenset(self.sigma), limit=2):
            if other != a:
                return other
        raise AssertionError("unreachable: the language has two words")


def _symbol_order(symbol: str) -> tuple[int, str]:
    """Letters, then digits, then separators (Hypothesis shrinks toward the first)."""
    return (0 if symbol.isalpha() else 1 if symbol.isdigit() else 2, symbol)


_WALKERS: dict[TenantIdLanguage, _Walker | None] = {}


def _walker(language: TenantIdLanguage) -> _Walker | None:
    """The language's walker, or ``None`` for a pattern outside the automaton subset
    (then the regex strategy and a filter apply)."""
    if language not in _WALKERS:
        from .. import _automata as fa

        try:
            _WALKERS[language] = _Walker(language)
        except fa.Unsupported:
            _WALKERS[language] = None
    return _WALKERS[language]


def _check_not_empty(language: TenantIdLanguage) -> None:
    walker = _walker(language)
    if walker is None:
        return  # a pattern outside the automaton subset: the filter below still applies
    if not walker.lengths(walker.start):
        raise InvalidArgument(
            f"the tenant-ID language is empty: no string of {language.min_length} to "
            f"{language.max_length} characters over {language.describe_alphabet()} matches "
            f"`{language.pattern}`"
        )


def tenant_ids(
    *, catalog: Catalog | None = None, language: TenantIdLanguage | None = None
) -> st.SearchStrategy[str]:
    """Valid tenant IDs of a catalogue's language, drawn from the language's automaton
    (never filtered), biased toward edge cases: the catalogue's examples, the shortest
    and longest IDs, digits only, separators wherever they are allowed, one character
    repeated. Patterns outside the automaton's regex subset fall back to Hypothesis's
    regex strategy with a validity filter."""
    lang = _language(catalog, language)
    examples = tuple(e for e in (catalog.examples if catalog else ()) if lang.is_valid(e))
    walker = _walker(lang)
    if walker is not None:
        return walker.words(examples=examples)
    return _filtered_tenant_ids(lang, examples)


def _filtered_tenant_ids(
    lang: TenantIdLanguage, examples: tuple[str, ...]
) -> st.SearchStrategy[str]:
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
    if examples:
        parts.append(st.sampled_from(examples))
    return st.one_of(*parts).filter(lang.is_valid)


def adversarial_tenant_ids(
    *, catalog: Catalog | None = None, language: TenantIdLanguage | None = None
) -> st.SearchStrategy[str]:
    """Strings a tenant-ID check must refuse: wildcards, quotes, policy variables, path
    and ARN separators, whitespace and control characters, case variants, non-Latin-1,
    empty, over-long and Jinja syntax, each spliced into an otherwise valid ID.

    Without ``catalog=`` or ``language=``: strings that every tenant-ID language refuses
    (each holds a character no language may contain)."""
    if catalog is None and language is None:
        from ..tenancy import SAFE_CHARACTERS

        return st.builds(
            lambda head, frag, tail: head + frag + tail,
            st.text(alphabet=sorted(SAFE_CHARACTERS), max_size=12),
            st.sampled_from([f for f in HOSTILE_FRAGMENTS if not set(f) <= SAFE_CHARACTERS]),
            st.text(alphabet=sorted(SAFE_CHARACTERS), max_size=12),
        )
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
    catalog = _check_catalog(catalog)
    if not catalog.tiers:
        raise InvalidArgument("the catalogue defines no tiers")
    return st.sampled_from(sorted(catalog.tiers))


def tenant_pairs(catalog: Catalog) -> st.SearchStrategy[tuple[str, str]]:
    """Two distinct tenant IDs of the catalogue's language; half of the time one is a
    prefix of the other (``acme`` and ``acme-x``), the pairs that prefix patterns leak,
    where the language has such pairs."""
    catalog = _check_catalog(catalog)
    lang = catalog.language
    ids = tenant_ids(catalog=catalog)
    walker = _walker(lang)
    if walker is None:
        extended = st.builds(
            lambda a, tail: (a, (a + tail)[: lang.max_length]),
            ids,
            st.text(alphabet="".join(sorted(lang.alphabet)), min_size=1, max_size=6),
        ).filter(lambda p: lang.is_valid(p[1]) and p[0] != p[1])
        return st.one_of(st.tuples(ids, ids), extended).filter(lambda pair: pair[0] != pair[1])
    if len(walker.fa.shortest_words(walker.nfa, frozenset(walker.sigma), limit=2)) < 2:
        raise InvalidArgument("the tenant-ID language has a single ID: no pair of tenants")

    @st.composite
    def pair(draw: st.DrawFn) -> tuple[str, str]:
        a = draw(ids, label="a")
        end = walker.end_state(a)
        longer = sorted(n for n in walker.lengths(end) if n > 0)
        extend: bool = draw(st.booleans())
        if longer and extend:
            b = walker.walk(draw, end, draw(st.sampled_from(longer)), prefix=a)
        else:
            b = draw(ids, label="b")
            if b == a:
                b = walker.distinct(a)
        return (b, a) if draw(st.integers(0, 3)) == 0 else (a, b)

    return pair()


# -- requests ----------------------------------------------------------------------------

_SUFFIX = st.text(alphabet="abcxyz0123456789._-/", min_size=0, max_size=12)


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


def _actions(service: str, catalog: Catalog) -> st.SearchStrategy[str]:
    """Actions of ``service``: mostly those the catalogue's templates name, sometimes
    any data action of the service (from the action catalogue)."""
    from ..isolation._shapes import DATA_ACTION_PREFIXES, _catalogue_actions

    known = sorted(_catalogue_actions(service))
    every = [a for a in known if a.split(":")[1].startswith(DATA_ACTION_PREFIXES)]
    named = _named_actions(catalog).get(service, [])
    # A service whose actions have no data-action name (execute-api's `Invoke`) is
    # drawn from all of its actions: never an action the service does not have.
    choices = every or known or named
    if not choices:
        raise InvalidArgument(
            f"no action of service `{service}` is known (IAM action data) or named by the "
            "catalogue's templates: its resources cannot be swept"
        )
    any_action = st.sampled_from(choices)
    if not named:
        return any_action
    # Nine times in ten an action the templates name (they decide what is allowed).
    return st.integers(0, 9).flatmap(lambda i: st.sampled_from(named) if i < 9 else any_action)


_NAMED: dict[tuple[int, str], dict[str, list[str]]] = {}


def _named_actions(catalog: Catalog) -> dict[str, list[str]]:
    """Literal actions named by the catalogue's session, role and API templates, by
    service (cached)."""
    key = (id(catalog), str(catalog.root))
    cached = _NAMED.get(key)
    if cached is not None:
        return cached
    from ..render import Renderer

    renderer = Renderer(catalog)
    found: dict[str, set[str]] = {}
    for tier_name, tier in catalog.tiers.items():
        # API templates too: their `execute-api:Invoke` statements are what the route
        # partitions of the model are swept with.
        for template in tier.session_templates + tier.role_templates + tier.api_templates:
            try:
                doc = renderer.symbolic(template, tier_name).document
            except PolicyEngineError:
                continue
            raw = doc["Statement"]
            for stmt in raw if isinstance(raw, list) else [raw]:
                acts = stmt.get("Action", [])
                for a in [acts] if isinstance(acts, str) else acts:
                    if "*" not in a and "?" not in a and ":" in a:
                        found.setdefault(a.split(":")[0].lower(), set()).add(a)
    result = {svc: sorted(acts) for svc, acts in found.items()}
    _NAMED[key] = result
    return result


def catalog_principal(catalog: Catalog) -> str:
    """The caller the strategies' requests carry: a role session in the catalogue's
    own partition and account (``constants.partition``, ``constants.account_id``).
    A request from another account would meet the resource policies' usual
    ``aws:PrincipalAccount`` fences and be denied for that reason alone, hiding a leak.
    :func:`policy_engine.testing.assert_tenant_isolation` replaces the role and session
    name with the tier's."""
    partition = str(catalog.constants.get("partition", "aws"))
    account = str(catalog.constants.get("account_id", "111122223333"))
    return f"arn:{partition}:sts::{account}:assumed-role/tenant-role/session"


def _fill(pattern: str, tenant: str, draw: st.DrawFn) -> str:
    """A concrete string of ``pattern``: the tenant in ``{tenant}``, text in each ``*``."""
    out = pattern.replace("{tenant}", tenant)
    while "*" in out:
        out = out.replace("*", draw(_SUFFIX), 1)
    return out.replace("?", "x")


def requests_on(tenant: str, catalog: Catalog) -> st.SearchStrategy[Any]:
    """Requests on ``tenant``'s partition of each resource of the catalogue's resource
    model: object and queue ARNs, list prefixes, leading keys, encryption contexts."""

    catalog = _check_catalog(catalog)
    tenant = _check_tenant(tenant, catalog, "tenant")
    # A resource first, then one of its partitions: a resource with many partitions
    # (an API's routes, one per method) does not crowd out the others.
    modelled = [r for r in catalog.resources.values() if r.partitions]
    principal = catalog_principal(catalog)

    @st.composite
    def build(draw: st.DrawFn) -> Request:
        resource = draw(st.sampled_from(modelled))
        partition = draw(st.sampled_from(resource.partitions))
        action = draw(_actions(resource.service, catalog))
        return _request_on(draw, tenant, resource, partition, action, principal)

    return build()


def _request_on(
    draw: st.DrawFn,
    tenant: str,
    resource: ResourceSpec,
    partition: Partition,
    action: str,
    principal: str,
) -> Request:
    """One request of ``action`` on ``tenant``'s ``partition`` of ``resource``."""
    from ..evaluate import Request

    if partition.arn is not None:
        return Request(action, _fill(partition.arn, tenant, draw), principal=principal)
    assert partition.condition_key is not None
    assert partition.value is not None
    key = partition.condition_key
    value = _fill(partition.value, tenant, draw)
    if key.lower() in LISTING_PREFIX_KEYS:
        value = draw(st.sampled_from([value, f"{tenant}/", tenant + "/" + draw(_SUFFIX)]))
    context: dict[str, Any] = {key: [value] if key.lower() in _MULTI_KEYS else value}
    return Request(action, _fill(resource.arn, tenant, draw), context, principal=principal)


def _keyless_request(
    draw: st.DrawFn, resource: ResourceSpec, partition: Partition, action: str, principal: str
) -> Request:
    """One request of ``action`` on ``resource`` naming no partition of ``partition``'s
    condition key (the key absent, or an empty ``s3:prefix``)."""
    from ..evaluate import Request

    assert partition.condition_key is not None
    arn = _fill(resource.arn, "shared", draw)
    if partition.condition_key.lower() in LISTING_PREFIX_KEYS and draw(st.integers(0, 2)) == 0:
        return Request(action, arn, {partition.condition_key: ""}, principal=principal)
    return Request(action, arn, principal=principal)


def keyless_requests(catalog: Catalog) -> st.SearchStrategy[Any]:
    """Requests on pooled resources that name no partition: the partition's condition
    key absent (a Scan, a ListBucket without prefix, Encrypt without context) or an
    empty ``s3:prefix``."""

    catalog = _check_catalog(catalog)
    keyed = [(r, p) for r in catalog.resources.values() for p in r.partitions if p.condition_key]
    if not keyed:
        raise InvalidArgument("the resource model has no condition-key partitions")

    principal = catalog_principal(catalog)

    @st.composite
    def build(draw: st.DrawFn) -> Request:
        resource, partition = draw(st.sampled_from(keyed))
        action = draw(_actions(resource.service, catalog))
        return _keyless_request(draw, resource, partition, action, principal)

    return build()


def cross_tenant_requests(a: str, b: str, catalog: Catalog) -> st.SearchStrategy[Any]:
    """Requests tenant ``a`` must never be allowed: on ``b``'s partitions (also with
    ``a``'s own value beside ``b``'s in multivalued keys) and key-less requests."""

    catalog = _check_catalog(catalog)
    a = _check_tenant(a, catalog, "a")
    b = _check_tenant(b, catalog, "b")
    if a == b:
        raise InvalidArgument(f"a and b must be distinct tenants, both are `{a}`")

    def mixed(request: Request) -> Request:
        return _mixed(request, a)

    on_b = requests_on(b, catalog)
    if not any(p.condition_key for r in catalog.resources.values() for p in r.partitions):
        return st.one_of(on_b, on_b.map(mixed))
    keyless = keyless_requests(catalog)
    return st.integers(0, 3).flatmap(
        lambda i: on_b if i == 0 else on_b.map(mixed) if i == 1 else keyless
    )


_MULTI_KEYS = frozenset({"dynamodb:leadingkeys", "dynamodb:attributes", "aws:tagkeys"})


def _mixed(request: Request, a: str) -> Request:
    """``request`` with ``a``'s own value beside each value of a multivalued key."""
    from ..evaluate import Request

    ctx = dict(request.context)
    for key, value in ctx.items():
        if isinstance(value, list):
            ctx[key] = [a, *value]
    return Request(request.action, request.resource, ctx, principal=request.principal)


#: At most this many request shapes per sweep; a bigger model is sampled each example.
SWEEP_SIZE = 96


#: One request shape of a sweep: (kind, resource, partition, action); kind is ``on``
#: (on B's partition), ``mixed`` (A's value beside B's) or ``keyless``.
Shape = tuple[str, ResourceSpec, Partition, str]


def cross_tenant_sweeps(a: str, b: str, catalog: Catalog) -> st.SearchStrategy[list[Request]]:
    """Lists of requests tenant ``a`` must never be allowed, one per request shape of the
    resource model: every partition of every modelled resource with every action the
    catalogue's templates name for its service (on ``b``'s partition, and with ``a``'s
    own value beside ``b``'s in multivalued keys), and every key-less request on a
    pooled resource. One example checks every shape once, so a leak needs only the
    right pair of tenants to be found (:func:`cross_tenant_requests` draws one shape
    per example). A model with more than :data:`SWEEP_SIZE` shapes is sampled."""
    return _sweeps(a, b, catalog).map(lambda pairs: [request for _, request in pairs])


def _sweeps(a: str, b: str, catalog: Catalog) -> st.SearchStrategy[list[tuple[Shape, Request]]]:
    """:func:`cross_tenant_sweeps`, each request with its shape."""
    catalog = _check_catalog(catalog)
    a = _check_tenant(a, catalog, "a")
    b = _check_tenant(b, catalog, "b")
    if a == b:
        raise InvalidArgument(f"a and b must be distinct tenants, both are `{a}`")
    shapes = _sweep_shapes(catalog)

    @st.composite
    def build(draw: st.DrawFn) -> list[tuple[Shape, Request]]:
        chosen = shapes
        if len(shapes) > SWEEP_SIZE:
            picks = draw(
                st.lists(
                    st.integers(0, len(shapes) - 1),
                    min_size=SWEEP_SIZE,
                    max_size=SWEEP_SIZE,
                    unique=True,
                )
            )
            chosen = [shapes[i] for i in sorted(picks)]
        return [(shape, _shape_request(draw, shape, a, b, catalog)) for shape in chosen]

    return build()


def _sweep_shapes(catalog: Catalog) -> list[Shape]:
    shapes: list[Shape] = []
    for resource in catalog.resources.values():
        named = _named_actions(catalog).get(resource.service) or [f"{resource.service}:*"]
        for partition in resource.partitions:
            for action in named:
                shapes.append(("on", resource, partition, action))
                if partition.condition_key is not None:
                    shapes.append(("keyless", resource, partition, action))
                    if partition.condition_key.lower() in _MULTI_KEYS:
                        shapes.append(("mixed", resource, partition, action))
    if not shapes:
        raise InvalidArgument("the resource model has no partitions: nothing to sweep")
    return shapes


def _shape_request(draw: st.DrawFn, shape: Shape, a: str, b: str, catalog: Catalog) -> Request:
    """One request of ``shape`` that ``a`` must never be allowed (on ``b`` or on none)."""
    kind, resource, partition, action = shape
    if action.endswith(":*"):
        action = draw(_actions(resource.service, catalog))
    principal = catalog_principal(catalog)
    if kind == "keyless":
        return _keyless_request(draw, resource, partition, action, principal)
    request = _request_on(draw, b, resource, partition, action, principal)
    return _mixed(request, a) if kind == "mixed" else request


def shape_requests(shape: Shape, a: str, b: str, catalog: Catalog) -> st.SearchStrategy[Request]:
    """Requests of one sweep shape (to shrink a counterexample the sweep found)."""

    @st.composite
    def build(draw: st.DrawFn) -> Request:
        return _shape_request(draw, shape, a, b, catalog)

    return build()
