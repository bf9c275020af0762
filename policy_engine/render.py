"""Rendering catalogue templates into policies. The only module that touches Jinja2.

How a tenant ID can never change a policy's structure:

1. A template is rendered **once per tier**, in Jinja2's immutable sandbox with
   ``StrictUndefined``, with an opaque stand-in for the tenant. The stand-in refuses
   every operation but interpolation (no comparison, truthiness, slicing, length,
   filters, attribute access), so a template cannot branch on the tenant; and since
   the real ID is never shown to Jinja at all, it could not even if it tried.
2. Interpolation is JSON-escaped; the output is parsed as JSON and schema-checked.
   The stand-in appears as a marker inside JSON strings only: outside a string the
   output does not parse, and in object keys, ``Version``, ``Sid``, ``Effect`` and
   actions it is refused.
3. A tenant's policy is that parsed, checked document with the marker replaced by
   the validated tenant ID. The structure is the same for every tenant by
   construction; the result is schema-checked again and held to the size quota.
4. A rendering is a function of the template files, the tier and the constants, so
   the policy the isolation proof checks is the policy vending sends, in any process
   and in any order: no operation whose result differs between renders is offered
   (Jinja's ``random`` filter and ``lipsum`` global are removed; an imported
   template's module is made anew for each import, so no state outlives a render;
   the text of a value that is no data, such as ``<... object at 0x7f...>``, which
   names where it lives in memory, is refused).

>>> from policy_engine.catalog import load_catalog
>>> renderer = Renderer(load_catalog())
>>> policy = renderer.render_tier("acme-corp", "basic")
>>> any("acme-corp/*" in r for s in policy for r in (s.resource or ()))
True
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

from .catalog import Catalog, TemplateSpec
from .errors import (
    PolicyParseError,
    PolicySizeError,
    SchemaIssue,
    TemplateError,
    TenantOpacityError,
    UnknownTemplate,
)
from .model import Policy, dumps, json_path_join, policy_from_obj
from .schema import PolicyKind, iter_schema_errors, policy_validator

if TYPE_CHECKING:
    from jinja2 import Environment

#: Stands for the tenant ID in symbolically rendered policies.
TENANT_MARKER = "\u27e6tenant\u27e7"

#: AWS quotas in characters, counted on the minified document (AWS-FACTS.md).
SIZE_LIMITS: Mapping[str, int] = {
    "session": 2048,  # STS AssumeRole Policy parameter (plaintext sent)
    "identity": 6144,  # managed policy
    "boundary": 6144,  # a boundary is a managed policy
    "resource": 20480,  # S3 bucket policy, the largest common resource policy
    "trust": 2048,  # default trust policy quota
}
INLINE_POLICIES_LIMIT = 10240

#: What one template operation may produce (checked before the operation runs where
#: its size can be known in advance, and on every call's and filter's result).
MAX_STRING_LENGTH = 65536  # characters
MAX_ITEMS = 10000  # elements of a list, tuple, dict or set
MAX_INT_BITS = 4096  # integers from `*` and `**`
#: What one template may output in all (the largest policy quota is 20,480 characters).
MAX_OUTPUT_LENGTH = 1 << 20

#: The only actions a trust policy may name: taking on the role and what comes with it
#: (case-insensitive, no wildcards). The vendor needs the first three.
TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
)

#: Elements whose values may never hold the tenant ID.
_FORBIDDEN_MARKER_KEYS = frozenset({"Version", "Id", "Sid", "Effect", "Action", "NotAction"})

# Session policies: STS accepts only tab, LF, CR and U+0020..U+00FF.
_STS_ALLOWED = frozenset("\t\n\r") | frozenset(chr(c) for c in range(0x20, 0x100))


class _OpaqueTenant:
    """The tenant as templates see it: something to interpolate, nothing to inspect."""

    __slots__ = ()

    def _refuse(self, what: str) -> NoReturn:
        raise TenantOpacityError(
            "<template>",
            f"the tenant ID is opaque: {what} is not allowed; a template may only "
            "interpolate it as `{{ tenant }}` inside a JSON string",
        )

    def __str__(self) -> str:
        self._refuse("converting it to text (filters, `~` concatenation, formatting)")

    def __repr__(self) -> str:
        return "<opaque tenant ID>"

    def __eq__(self, other: object) -> bool:
        self._refuse("comparing it")

    def __ne__(self, other: object) -> bool:
        self._refuse("comparing it")

    def __lt__(self, other: object) -> bool:
        self._refuse("comparing it")

    __le__ = __gt__ = __ge__ = __lt__

    def __hash__(self) -> int:
        self._refuse("hashing it")

    def __bool__(self) -> bool:
        self._refuse("testing its truth")

    def __len__(self) -> int:
        self._refuse("taking its length")

    def __iter__(self) -> Iterator[str]:
        self._refuse("iterating over it")

    def __contains__(self, item: object) -> bool:
        self._refuse("searching in it")

    def __getitem__(self, item: object) -> NoReturn:
        self._refuse("indexing or slicing it")

    def __add__(self, other: object) -> NoReturn:
        self._refuse("arithmetic or concatenation on it")

    __radd__ = __mul__ = __rmul__ = __mod__ = __rmod__ = __add__

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:
        self._refuse("calling it")


_TENANT = _OpaqueTenant()


def _holds_tenant(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> bool:
    """Whether the tenant stand-in is among the arguments (by identity: ``in`` would
    compare, and comparing the stand-in is itself refused)."""
    return any(a is _TENANT for a in args) or any(v is _TENANT for v in kwargs.values())


def _callable_name(obj: Any) -> str:
    from jinja2.runtime import Macro

    if isinstance(obj, Macro):
        return f"macro `{obj.name}`"
    target = getattr(obj, "__wrapped__", obj)
    owner = getattr(target, "__self__", None)
    name = getattr(target, "__name__", None) or type(target).__name__
    if owner is not None and not isinstance(owner, type) and type(owner).__module__ == "builtins":
        return f"`{type(owner).__name__}.{name}`"
    return f"`{name}`"


def _too_big(what: str, size: int, limit: int, unit: str) -> NoReturn:
    from jinja2.exceptions import SecurityError

    raise SecurityError(
        f"refused {what}: it would make {size:,} {unit} (a template operation may make at "
        f"most {limit:,})"
    )


def _check_size(value: Any, what: str) -> Any:
    """Refuse a result above the bounds; return it otherwise."""
    if isinstance(value, str | bytes):
        if len(value) > MAX_STRING_LENGTH:
            _too_big(what, len(value), MAX_STRING_LENGTH, "characters")
    elif isinstance(value, list | tuple | dict | set | frozenset | range):
        if len(value) > MAX_ITEMS:
            _too_big(what, len(value), MAX_ITEMS, "items")
    elif isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        _too_big(what, value.bit_length(), MAX_INT_BITS, "bits")
    return value


#: Jinja's own filters and globals whose result differs from one render of a template
#: to the next (``random`` picks an item at random, ``lipsum`` makes random text):
#: not offered, so the policy the proof checks is the one vending renders.
IMPURE_FILTERS = frozenset({"random"})
IMPURE_GLOBALS = frozenset({"lipsum"})

#: Filters that take any value as their subject without making text of it (they
#: iterate, count, select, sort, convert to a number or JSON, or pass it on). Every
#: other filter makes text of its arguments, which must then be data (`_is_data`).
_SUBJECT_FILTERS = frozenset(
    {
        "abs", "attr", "batch", "count", "d", "default", "dictsort", "first", "float",
        "groupby", "int", "items", "join", "last", "length", "list", "map", "max", "min",
        "reject", "rejectattr", "reverse", "round", "select", "selectattr", "slice",
        "sort", "sum", "tojson", "unique",
    }
)  # fmt: skip


def _is_data(value: Any) -> bool:
    """Whether ``value``'s text is a function of its content: ``None``, booleans,
    numbers, strings, ranges, and lists, tuples and dicts of those. Any other object
    (a bound method, a generator, a ``cycler``) prints as ``<... at 0x7f...>``, where
    it lives in memory, which differs between processes and renders."""
    from jinja2 import Undefined

    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, str | bool | int | float | range | Undefined):
            continue
        if isinstance(item, list | tuple | dict):
            if id(item) in seen:
                continue
            seen.add(id(item))
            stack.extend(item.items() if isinstance(item, dict) else item)
            continue
        return False
    return True


def _refuse_text(values: Any, what: str) -> None:
    """Refuse making text of a value that is no data (see :func:`_is_data`)."""
    from jinja2.exceptions import SecurityError

    for value in values:
        if value is _TENANT:
            str(value)  # the tenant's own refusal, which says what a template may do
        if not _is_data(value):
            raise SecurityError(
                f"refused {what}: the text of a `{type(value).__name__}` names where it "
                "lives in memory, which differs from one render to the next (only "
                "strings, numbers, booleans, lists and dicts of them become text)"
            )


def _sized(value: Any) -> tuple[int, int, str] | None:
    """(size, limit, unit) of a value whose size a repetition multiplies."""
    if isinstance(value, str | bytes):
        return len(value), MAX_STRING_LENGTH, "characters"
    if isinstance(value, list | tuple):
        return len(value), MAX_ITEMS, "items"
    return None


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``left operator right`` before computing it when its result would be
    above the bounds."""
    what = f"`{type(left).__name__} {operator} {type(right).__name__}`"
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            sized = _sized(seq)
            if sized is not None and isinstance(n, int):
                size, limit, unit = sized
                if size * n > limit:
                    _too_big(what, size * n, limit, unit)
                return
        if isinstance(left, int) and isinstance(right, int):
            bits = left.bit_length() + right.bit_length()
            if bits > MAX_INT_BITS:
                _too_big(what, bits, MAX_INT_BITS, "bits")
    elif operator == "+":
        a, b = _sized(left), _sized(right)
        if a is not None and b is not None and a[0] + b[0] > a[1]:
            _too_big(what, a[0] + b[0], a[1], a[2])
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            bits = right * (abs(left).bit_length() - 1) + 1
            if bits > MAX_INT_BITS:
                _too_big(f"`{left} ** {right}`", bits, MAX_INT_BITS, "bits")
    elif operator == "%" and isinstance(left, str):
        _check_printf(left, what)
        _refuse_text([right], what)


_PRINTF_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_NUMBER = re.compile(r"\d+")


def _check_printf(fmt: str, what: str) -> None:
    for m in _PRINTF_FIELD.finditer(fmt):
        for part in m.groups():
            if part == "*":
                from jinja2.exceptions import SecurityError

                raise SecurityError(f"refused {what}: a `*` width or precision is not allowed")
            if part is not None and int(part) > MAX_STRING_LENGTH:
                _too_big(f"{what} with width `{part}`", int(part), MAX_STRING_LENGTH, "characters")


def _check_format_spec(fmt: str, what: str) -> None:
    """``str.format`` fields: no nested fields in a spec, no width above the bound."""
    from string import Formatter

    from jinja2.exceptions import SecurityError

    try:
        fields = list(Formatter().parse(fmt))
    except ValueError:
        return  # str.format raises the same error itself
    for _, _, spec, _ in fields:
        if spec and "{" in spec:
            raise SecurityError(f"refused {what}: nested format fields are not allowed")
        for number in _NUMBER.findall(spec or ""):
            if int(number) > MAX_STRING_LENGTH:
                _too_big(
                    f"{what} with width `{number}`", int(number), MAX_STRING_LENGTH, "characters"
                )


def _int_arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], index: int, name: str) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name)


def _check_call(
    name: str, subject: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], what: str
) -> None:
    """Refuse a string method or filter whose result size is known in advance to be
    above the bound (``subject`` is the string it works on; ``args`` follow it)."""
    if not isinstance(subject, str):
        return
    if name in ("center", "ljust", "rjust", "zfill", "expandtabs"):
        width = _int_arg(args, kwargs, 0, "width" if name != "expandtabs" else "tabsize")
        if isinstance(width, int):
            size = width * (subject.count("\t") + 1) if name == "expandtabs" else width
            if size > MAX_STRING_LENGTH:
                _too_big(what, size, MAX_STRING_LENGTH, "characters")
    elif name == "replace":
        old, new = _int_arg(args, kwargs, 0, "old"), _int_arg(args, kwargs, 1, "new")
        if isinstance(old, str) and isinstance(new, str):
            hits = len(subject) + 1 if not old else subject.count(old)
            size = len(subject) + hits * max(0, len(new) - len(old))
            if size > MAX_STRING_LENGTH:
                _too_big(what, size, MAX_STRING_LENGTH, "characters")
    elif name == "indent":
        width = _int_arg(args, kwargs, 0, "width")
        pad = len(width) if isinstance(width, str) else width if isinstance(width, int) else 4
        size = len(subject) + (subject.count("\n") + 1) * pad
        if size > MAX_STRING_LENGTH:
            _too_big(what, size, MAX_STRING_LENGTH, "characters")
    elif name in ("format", "format_map"):
        _check_format_spec(subject, what)
        _check_printf(subject, what)


def _check_join(separator: Any, items: Any, what: str) -> list[Any]:
    """Materialise a join's items (at most MAX_ITEMS) and refuse a result above the
    bound before joining."""
    from itertools import islice

    listed = list(islice(iter(items), MAX_ITEMS + 1))
    if len(listed) > MAX_ITEMS:
        _too_big(what, len(listed), MAX_ITEMS, "items")
    _refuse_text(listed, what)
    sep = len(separator) if isinstance(separator, str) else 0
    size = sum(len(x) for x in listed if isinstance(x, str)) + sep * max(0, len(listed) - 1)
    if size > MAX_STRING_LENGTH:
        _too_big(what, size, MAX_STRING_LENGTH, "characters")
    return listed


def _finalize(value: Any) -> Any:
    """Applied to every ``{{ ... }}``: JSON-escape what goes into the document."""
    from jinja2 import Undefined
    from markupsafe import Markup

    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError naming the variable
    if value is _TENANT:
        return TENANT_MARKER
    if isinstance(value, Markup):  # already JSON (the `tojson` filter)
        return value
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    raise TypeError(
        f"cannot interpolate a {type(value).__name__}; use the `tojson` filter for lists "
        "and objects"
    )


class TemplatePathError(TemplateError):
    """A template load (the template itself, ``include``, ``import``, ``extends``)
    names a path that is not a file inside the catalogue folder."""


def catalog_template_path(root: str | os.PathLike[str], name: str) -> str:
    """The real path of template ``name`` (``/``-separated, relative to the catalogue
    folder ``root``); refuses absolute paths, backslashes, ``..`` and any path that a
    symlink (to a file or a folder) takes out of the catalogue."""
    top = os.path.realpath(root)
    if not name or name.startswith("/") or "\\" in name or "\0" in name:
        raise TemplatePathError(
            name, "a template path is relative to the catalogue folder, `/`-separated"
        )
    pieces = name.split("/")
    if ".." in pieces:
        raise TemplatePathError(name, "`..` is not allowed in a template path")
    path = os.path.realpath(os.path.join(top, *[p for p in pieces if p not in ("", ".")]))
    if os.path.commonpath([top, path]) != top:
        raise TemplatePathError(
            name,
            "the path leaves the catalogue folder through a symlink (to "
            f"`{path}`); templates may only load files inside `{top}`",
        )
    if not os.path.isfile(path):
        raise TemplatePathError(name, "no such template file in the catalogue")
    return path


def _make_environment(catalog: Catalog) -> Environment:
    from jinja2 import BaseLoader, StrictUndefined, Template, nodes
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.environment import TemplateModule
    from jinja2.runtime import Context, Macro
    from jinja2.sandbox import ImmutableSandboxedEnvironment
    from jinja2.utils import Namespace

    root = catalog.root

    class _CatalogLoader(BaseLoader):
        """Every load is resolved against the catalogue folder (no symlink escape)."""

        def get_source(
            self, environment: Environment, template: str
        ) -> tuple[str, str, Callable[[], bool]]:
            path = catalog_template_path(root, template)
            try:
                with open(path, encoding="utf-8") as fh:
                    source = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                raise TemplatePathError(template, f"cannot read template: {exc}") from exc
            _names[path] = template
            return source, path, lambda: False

    class _BoundedNamespace(Namespace):
        def __setitem__(self, name: str, value: Any) -> None:
            super().__setitem__(name, _check_size(value, f"assigning `{name}`"))

    class _Env(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**", "+", "%"})

        def getattr(self, obj: Any, attribute: str) -> Any:
            if obj is _TENANT:
                _TENANT._refuse(f"reading its attribute `{attribute}`")
            return super().getattr(obj, attribute)

        def getitem(self, obj: Any, argument: Any) -> Any:
            if obj is _TENANT:
                _TENANT._refuse("indexing or slicing it")
            return super().getitem(obj, argument)

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            if left is _TENANT or right is _TENANT:
                _TENANT._refuse(f"arithmetic or concatenation on it (the operator `{operator}`)")
            _check_binop(operator, left, right)
            result = super().call_binop(context, operator, left, right)
            return _check_size(result, f"`{operator}`")

        def checked_texts(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
            """The operands of ``~``, each made text by Jinja: data only."""
            _refuse_text(values, "the operator `~`")
            return values

        def call(
            __self,
            __context: Any,
            __obj: Any,
            *args: Any,
            **kwargs: Any,
        ) -> Any:
            name = _callable_name(__obj)
            if __obj is _TENANT:
                _TENANT._refuse("calling it")
            # A macro is template code under the same rules: it may take the tenant.
            if _holds_tenant(args, kwargs) and not isinstance(__obj, Macro):
                _TENANT._refuse(f"passing it to {name}")
            for value in (*args, *kwargs.values()):  # e.g. a macro that doubles its input
                _check_size(value, f"passing an argument to {name}")
            target = getattr(__obj, "__wrapped__", __obj)
            subject = getattr(target, "__self__", None)
            method = getattr(target, "__name__", "")
            if isinstance(subject, str):
                if method == "join" and args:
                    args = (_check_join(subject, args[0], f"calling {name}"), *args[1:])
                else:
                    _check_call(method, subject, args, kwargs, f"calling {name}")
                    _refuse_text((*args, *kwargs.values()), f"calling {name}")
            result = super().call(__context, __obj, *args, **kwargs)
            return _check_size(result, f"calling {name}")

    class _CodeGenerator(CodeGenerator):
        def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
            # `a ~ b` makes text of each operand: they pass `checked_texts` first.
            if frame.eval_ctx.volatile:
                join = "(markup_join if context.eval_ctx.volatile else str_join)"
            elif frame.eval_ctx.autoescape:
                join = "markup_join"
            else:
                join = "str_join"
            self.write(f"{join}(environment.checked_texts((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write(")))")

    class _Template(Template):
        def _get_default_module(self, ctx: Context | None = None) -> TemplateModule:
            # Jinja keeps an imported template's module for later imports, so state
            # made in it (a `namespace` a macro updates) would outlive the render and
            # make the next render differ: every import makes its module anew.
            return self.make_module()

    _Env.code_generator_class = _CodeGenerator
    _Env.template_class = _Template
    env = _Env(
        loader=_CatalogLoader(),
        undefined=StrictUndefined,
        autoescape=False,
        finalize=_finalize,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals["namespace"] = _BoundedNamespace
    for name in IMPURE_GLOBALS:
        env.globals.pop(name, None)
    for name in IMPURE_FILTERS:
        env.filters.pop(name, None)
    # No filter or test may see the tenant, nor make an oversized result: wrap them all.
    for name, func in list(env.filters.items()):
        env.filters[name] = _guard(name, func, text=name not in _SUBJECT_FILTERS)
    tests: dict[str, Any] = env.tests
    for name, test in list(tests.items()):
        tests[name] = _guard(name, test, text=False)
    return env


def _guard(name: str, func: Callable[..., Any], *, text: bool) -> Callable[..., Any]:
    """``func`` (a filter or test) refusing the tenant and oversized results; with
    ``text`` (a filter that makes text of its arguments) refusing arguments that are
    no data (`_is_data`)."""
    from jinja2.utils import pass_context, pass_environment, pass_eval_context

    what = f"the filter or test `{name}`"

    def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, ...]:
        if _holds_tenant(args, kwargs):
            _TENANT._refuse(f"applying `{name}` to it")
        if text:
            _refuse_text((*args, *kwargs.values()), what)
        if args:
            if name == "join":
                sep = _int_arg(args, kwargs, 1, "d")
                _refuse_text([sep], what)
                return (_check_join(sep if sep is not None else "", args[0], what), *args[1:])
            if name == "tojson":
                indent = _int_arg(args, kwargs, 1, "indent")
                if isinstance(indent, int) and indent > 64:
                    _too_big(f"{what} with indent {indent}", indent, 64, "spaces of indent")
            _check_call(name, args[0], args[1:], kwargs, what)
        return args

    tag = getattr(func, "jinja_pass_arg", None)
    if tag is None:

        def plain(*args: Any, **kwargs: Any) -> Any:
            args = check(args, kwargs)
            return _check_size(func(*args, **kwargs), what)

        return plain

    def passed(first: Any, *args: Any, **kwargs: Any) -> Any:
        args = check(args, kwargs)
        attribute = _int_arg(args, kwargs, 2, "attribute") if name == "join" else None
        if attribute is not None:
            # `join(attribute=...)` joins what the attribute names in each item: data only
            from jinja2.filters import make_attrgetter

            getter = make_attrgetter(first.environment, attribute)
            _refuse_text([getter(item) for item in args[0]], what)
        return _check_size(func(first, *args, **kwargs), what)

    decorator = {
        "context": pass_context,
        "eval_context": pass_eval_context,
        "environment": pass_environment,
    }[tag.name]
    return decorator(passed)


@dataclass(frozen=True, slots=True)
class SymbolicPolicy:
    """A template rendered with the tenant marker: the policy for every tenant.

    ``document`` has passed the full schema check for its kind; ``holes`` are the JSON
    paths of the strings that hold the marker, and ``resource_holes`` the subset that
    sit in ``Resource``/``NotResource`` (the only places whose schema rule a
    substituted string must be checked against again; see :meth:`instantiate`).
    """

    template: str
    tier: str
    kind: PolicyKind
    document: Mapping[str, Any]
    holes: tuple[str, ...]
    resource_holes: tuple[str, ...] = ()
    minified_size: int = 0
    marker_count: int = 0

    @property
    def policy(self) -> Policy:
        return policy_from_obj(self.document)

    @classmethod
    def build(
        cls, template: str, tier: str, kind: PolicyKind, document: Mapping[str, Any]
    ) -> SymbolicPolicy:
        """Check ``document`` in full and record where the marker stands."""
        holes = list(_find_marker(document, "$", template))
        if kind == "trust" and holes:
            raise TenantOpacityError(
                template,
                f"a trust policy may not use `{{{{ tenant }}}}` (at {holes[0][0]}): the tier "
                "role, and so its trust policy, is shared by every tenant of the tier",
            )
        from ._fastschema import is_valid

        # The compiled schema answers first (the same verdict, ~10x sooner); jsonschema
        # names the problems of a document it calls invalid.
        issues = [] if is_valid(document, kind) else list(iter_schema_errors(document, kind=kind))
        if kind == "trust":
            issues += _trust_action_issues(document)
        if issues:
            raise PolicyParseError(issues, source=template)
        policy_from_obj(document)  # structural check
        text = dumps(document, minify=True)
        if kind == "session":
            _check_sts_characters(text.replace(TENANT_MARKER, ""), template)
        return cls(
            template=template,
            tier=tier,
            kind=kind,
            document=document,
            holes=tuple(p for p, _ in holes),
            resource_holes=tuple(p for p, el in holes if el in ("Resource", "NotResource")),
            minified_size=len(text) - text.count(TENANT_MARKER) * len(TENANT_MARKER),
            marker_count=text.count(TENANT_MARKER),
        )

    def instantiate(self, tenant_id: str, *, full_check: bool = False) -> Policy:
        """The policy of one tenant (``tenant_id`` must already be validated).

        Why the quick check suffices: the symbolic document passed the full schema
        check, and substitution changes only the marker strings. The marker may not
        stand in keys, ``Version``, ``Id``, ``Sid``, ``Effect`` or actions. In
        non-string condition operators (numeric, date, bool, IP, binary) the marker
        itself fails the schema, so it never gets this far; string and ARN operators
        and principals accept any non-empty string. That leaves ``Resource`` and
        ``NotResource``, whose ARN pattern is checked again here. The size is exact:
        tenant IDs hold no character that JSON escapes. ``full_check=True`` runs the
        whole schema again (the property tests compare both).
        """
        document = substitute(self.document, tenant_id)
        if full_check:
            return check_policy(document, kind=self.kind, source=self.template)
        for path in self.resource_holes:
            value = _get_path(document, path)
            if not _resource_pattern().fullmatch(value):
                raise PolicyParseError(
                    [SchemaIssue(path, f"not a valid resource ARN for this tenant: `{value}`")],
                    source=self.template,
                )
        limit = SIZE_LIMITS.get(self.kind)
        size = self.minified_size + self.marker_count * len(tenant_id)
        if limit is not None and size > limit:
            raise PolicySizeError(self.kind, size, limit, source=self.template)
        return policy_from_obj(document)


class Renderer:
    """Renders a catalogue's templates; thread-safe. Each template is rendered once
    per tier (symbolically); rendering for a tenant is a substitution and a check."""

    def __init__(self, catalog: Catalog, *, full_check: bool = False) -> None:
        self.catalog = catalog
        self.full_check = full_check
        self._env: Environment | None = None
        self._symbolic: dict[tuple[str, str], SymbolicPolicy] = {}
        self._lock = threading.RLock()

    # -- symbolic rendering -----------------------------------------------------------

    def _environment(self) -> Environment:
        if self._env is None:
            self._env = _make_environment(self.catalog)
        return self._env

    def resource_policy(self, resource: str) -> SymbolicPolicy | None:
        """The resource-based policy of a resource of the model (rendered once per
        catalogue, with ``tier`` empty; ``tier_roles`` maps each tier to its role ARN),
        or None when the resource has none. It may not use ``{{ tenant }}``."""
        name = self.catalog.resources[resource].policy
        if name is None:
            return None
        key = (name, "")
        cached = self._symbolic.get(key)
        if cached is None:
            with self._lock:
                cached = self._symbolic.get(key)
                if cached is None:
                    cached = self._render_symbolic(self.catalog.template(name), "")
                    if cached.holes:
                        raise TemplateError(
                            cached.template,
                            "a resource policy may not use `{{ tenant }}`: it is one "
                            "document for every tenant (use the tier roles and conditions)",
                        )
                    self._symbolic[key] = cached
        return cached

    def symbolic(self, template: str, tier: str) -> SymbolicPolicy:
        """Render ``template`` for ``tier`` with the tenant marker (cached)."""
        key = (template, tier)
        cached = self._symbolic.get(key)
        if cached is not None:
            return cached
        spec = self.catalog.template(template)
        self.catalog.tier(tier)
        with self._lock:
            cached = self._symbolic.get(key)
            if cached is None:
                cached = self._symbolic[key] = self._render_symbolic(spec, tier)
        return cached

    def _render_symbolic(self, spec: TemplateSpec, tier: str) -> SymbolicPolicy:
        source = spec.file
        try:
            raw_text = spec.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateError(source, f"cannot read template: {exc}") from exc
        if TENANT_MARKER in raw_text:
            raise TemplateError(source, f"the template text may not contain `{TENANT_MARKER}`")
        variables: dict[str, Any] = dict(self.catalog.constants)
        variables.update(
            tenant=_TENANT,
            tier=tier,
            constants=dict(self.catalog.constants),
            tier_roles={name: t.role_arn for name, t in self.catalog.tiers.items()},
        )
        text = _run_jinja(self._environment(), spec, variables)
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            hint = ""
            if TENANT_MARKER in text and _marker_outside_strings(text):
                hint = "; `{{ tenant }}` must stand inside a JSON string"
            raise TemplateError(
                source,
                f"rendered output is not valid JSON (output line {exc.lineno}, column "
                f"{exc.colno}: {exc.msg}){hint}",
            ) from exc
        return SymbolicPolicy.build(source, tier, spec.kind, document)

    def symbolic_tier(self, tier: str) -> SymbolicPolicy:
        """The tier's combined session policy with the tenant marker (cached)."""
        names = self.catalog.tier(tier).session_templates
        return self._merged(tier, "session", names, "session", f"tier `{tier}` session policy")

    def symbolic_api(self, tier: str) -> SymbolicPolicy:
        """The tier's combined API Gateway (``execute-api:Invoke``) policy with the
        tenant marker (cached): what the authorizer returns for the tier's tenants."""
        names = self.catalog.tier(tier).api_templates
        return self._merged(tier, "api", names, "identity", f"tier `{tier}` API policy")

    def _merged(
        self, tier: str, part: str, names: tuple[str, ...], kind: PolicyKind, label: str
    ) -> SymbolicPolicy:
        """The statements of ``names`` in one policy (cached per tier and ``part``)."""
        key = (f"<{part}>", tier)
        cached = self._symbolic.get(key)
        if cached is not None:
            return cached
        with self._lock:
            statements: list[Any] = []
            sids: dict[str, str] = {}
            for name in names:
                sym = self.symbolic(name, tier)
                raw = sym.document["Statement"]
                for stmt in raw if isinstance(raw, list) else [raw]:
                    sid = stmt.get("Sid")
                    if sid:
                        if sid in sids:
                            raise TemplateError(
                                sym.template,
                                f"Sid `{sid}` is also used by `{sids[sid]}`; Sids must be "
                                f"unique within the {label}",
                            )
                        sids[sid] = sym.template
                    statements.append(stmt)
            if not statements:
                raise TemplateError(label, "the tier names no templates for it")
            document = {"Version": "2012-10-17", "Statement": statements}
            cached = SymbolicPolicy.build(label, tier, kind, document)
            self._symbolic[key] = cached
        return cached

    # -- rendering for a tenant -------------------------------------------------------

    def render_template(self, tenant_id: str, tier: str, template: str) -> Policy:
        """One template's policy for one tenant of one tier."""
        tenant_id = self.catalog.language.validate(tenant_id)
        names = self.catalog.tier(tier).templates
        if template not in names:
            raise UnknownTemplate(template, names, where=f"tier `{tier}`")
        return self.symbolic(template, tier).instantiate(tenant_id, full_check=self.full_check)

    def render_tier(self, tenant_id: str, tier: str) -> Policy:
        """The tier's session policy for one tenant: every session template of the
        tier, statements concatenated in the order the tier lists them."""
        tenant_id = self.catalog.language.validate(tenant_id)
        return self.symbolic_tier(tier).instantiate(tenant_id, full_check=self.full_check)

    def render_api(self, tenant_id: str, tier: str) -> Policy:
        """The tier's API Gateway policy for one tenant (the authorizer's response)."""
        tenant_id = self.catalog.language.validate(tenant_id)
        return self.symbolic_api(tier).instantiate(tenant_id, full_check=self.full_check)

    def render_trust(self, tier: str) -> Policy | None:
        """The tier role's trust policy (its ``trust_template``, rendered without a
        tenant and checked as a trust policy), or ``None`` if the tier names none."""
        name = self.catalog.tier(tier).trust_template
        if name is None:
            return None
        sym = self.symbolic(name, tier)
        return check_policy(sym.document, kind="trust", source=sym.template)

    def render_role_policies(self, tier: str) -> dict[str, Policy]:
        """The tier role's own policies (rendered without a tenant), by template."""
        tier_obj = self.catalog.tier(tier)
        out: dict[str, Policy] = {}
        for name in tier_obj.role_templates:
            sym = self.symbolic_role(name, tier)
            out[name] = check_policy(sym.document, kind=sym.kind, source=sym.template)
        return out

    def symbolic_role(self, name: str, tier: str) -> SymbolicPolicy:
        """A role template of ``tier`` as a symbolic document, refused if it names the
        tenant: one role serves every tenant of the tier, so no tenant can stand in its
        policy (and the proof must never read one there)."""
        sym = self.symbolic(name, tier)
        if sym.holes:
            raise TemplateError(
                sym.template,
                f"a role template may not use `{{{{ tenant }}}}` (at {sym.holes[0]}): the role "
                "is shared by every tenant of the tier (use `${aws:PrincipalTag/TenantId}` "
                "instead)",
            )
        return sym


def _trust_action_issues(document: Mapping[str, Any]) -> list[SchemaIssue]:
    """A trust policy names role-assumption actions only (no wildcard, no NotAction)."""
    allowed = {a.lower() for a in TRUST_ACTIONS}
    raw = document.get("Statement")
    statements = raw if isinstance(raw, list) else [raw]
    issues = []
    for i, stmt in enumerate(statements):
        if not isinstance(stmt, Mapping):
            continue
        path = f"$.Statement[{i}]" if isinstance(raw, list) else "$.Statement"
        if "NotAction" in stmt:
            issues.append(
                SchemaIssue(f"{path}.NotAction", "a trust policy names its actions with `Action`")
            )
        actions = stmt.get("Action", [])
        for action in [actions] if isinstance(actions, str) else actions:
            if isinstance(action, str) and action.lower() not in allowed:
                issues.append(
                    SchemaIssue(
                        f"{path}.Action",
                        f"`{action}` is not a role-assumption action; a trust policy may name "
                        + ", ".join(TRUST_ACTIONS)
                        + " (no wildcards)",
                    )
                )
    return issues


def check_policy(document: Mapping[str, Any], *, kind: PolicyKind, source: str) -> Policy:
    """Full check of a concrete document: schema, size quota, STS character set."""
    if not policy_validator(kind).is_valid(document):
        raise PolicyParseError(list(iter_schema_errors(document, kind=kind)), source=source)
    policy = policy_from_obj(document)
    limit = SIZE_LIMITS.get(kind)
    if limit is not None:
        text = dumps(document, minify=True)
        if len(text) > limit:
            raise PolicySizeError(kind, len(text), limit, source=source)
        if kind == "session":
            _check_sts_characters(text, source)
    return policy


def _check_sts_characters(text: str, source: str) -> None:
    bad = next((c for c in text if c not in _STS_ALLOWED), None)
    if bad is not None:
        raise PolicyParseError(
            [
                SchemaIssue(
                    "$",
                    f"character U+{ord(bad):04X} is outside what STS accepts in a session "
                    "policy (tab, LF, CR, U+0020-U+00FF)",
                )
            ],
            source=source,
        )


def substitute(document: Mapping[str, Any], tenant_id: str) -> dict[str, Any]:
    """A copy of a symbolic document with the marker replaced by ``tenant_id``."""

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return node.replace(TENANT_MARKER, tenant_id) if TENANT_MARKER in node else node
        if isinstance(node, list):
            return [walk(x) for x in node]
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        return node

    result = walk(document)
    assert isinstance(result, dict)
    return result


def _find_marker(
    node: Any, path: str, source: str, key: str | None = None, element: str | None = None
) -> Iterator[tuple[str, str | None]]:
    """Yield (path, statement element) of every string holding the marker."""
    if isinstance(node, str):
        if TENANT_MARKER in node:
            if key in _FORBIDDEN_MARKER_KEYS:
                raise TenantOpacityError(
                    source,
                    f"the tenant ID may not appear in `{key}` (at {path}); it belongs in "
                    "resources, condition values and principals",
                )
            yield path, element
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _find_marker(item, json_path_join(path, i), source, key, element)
    elif isinstance(node, dict):
        for k, v in node.items():
            if TENANT_MARKER in k:
                raise TenantOpacityError(
                    source,
                    f"the tenant ID may not appear in an object key (at {path}); a policy's "
                    "structure must be the same for every tenant",
                )
            child_element = k if k in _STATEMENT_ELEMENTS else element
            yield from _find_marker(v, json_path_join(path, k), source, k, child_element)


_STATEMENT_ELEMENTS = (
    frozenset({"Resource", "NotResource", "Principal", "NotPrincipal", "Condition"})
    | _FORBIDDEN_MARKER_KEYS
)


def _get_path(document: Any, path: str) -> str:
    node = document
    for step in _PATH_STEP.findall(path):
        name, index, quoted = step
        if name:
            node = node[name]
        elif index:
            node = node[int(index)]
        else:
            node = node[json.loads(quoted)]
    assert isinstance(node, str)
    return node


_PATH_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


@cache
def _resource_pattern() -> re.Pattern[str]:
    from .schema import load_schema

    return re.compile(load_schema("iam-policy.schema.json")["$defs"]["resource"]["pattern"])


def _marker_outside_strings(text: str) -> bool:
    in_string = escaped = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif text.startswith(TENANT_MARKER, i):
            return True
        i += 1
    return False


class _OutputTooLarge(Exception):
    def __init__(self, line: int | None) -> None:
        self.line = line
        super().__init__(line)


def _run_jinja(env: Environment, spec: TemplateSpec, variables: dict[str, Any]) -> str:
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError
    from jinja2.exceptions import TemplateError as JinjaTemplateError

    try:
        template = env.get_template(spec.file)
        parts: list[str] = []
        size = 0
        chunks = template.root_render_func(template.new_context(variables))
        try:
            for chunk in chunks:
                size += len(chunk)
                if size > MAX_OUTPUT_LENGTH:
                    frame = chunks.gi_frame  # type: ignore[attr-defined]
                    line = template.get_corresponding_lineno(frame.f_lineno) if frame else None
                    raise _OutputTooLarge(line)
                parts.append(chunk)
        except _OutputTooLarge:
            raise
        except Exception:
            env.handle_exception()  # maps the traceback to template lines, re-raises
        return "".join(parts)
    except _OutputTooLarge as exc:
        raise TemplateError(
            spec.file,
            f"cannot render: refused the output: the template renders more than "
            f"{MAX_OUTPUT_LENGTH:,} characters",
            line=exc.line,
        ) from None
    except TemplateSyntaxError as exc:
        name = exc.name or spec.file
        raise TemplateError(name, f"template syntax error: {exc.message}", line=exc.lineno) from exc
    except TemplatePathError as exc:
        where, line = _template_where(exc.__traceback__, spec)
        raise TemplatePathError(
            where, f"cannot load template `{exc.template}`: {exc.detail}", line=line
        ) from exc
    except TenantOpacityError as exc:
        where, line = _template_where(exc.__traceback__, spec)
        raise TenantOpacityError(where, exc.detail, line=line) from exc
    except UndefinedError as exc:
        where, line = _template_where(exc.__traceback__, spec)
        raise TemplateError(
            where, f"{exc.message}: define it under [constants] in the manifest", line=line
        ) from exc
    except (SecurityError, JinjaTemplateError, TypeError, ValueError, ArithmeticError) as exc:
        where, line = _template_where(exc.__traceback__, spec)
        raise TemplateError(where, f"cannot render: {exc}", line=line) from exc
    except RecursionError as exc:
        where, line = _template_where(exc.__traceback__, spec)
        raise TemplateError(where, "cannot render: recursion too deep", line=line) from exc


def _template_where(tb: TracebackType | None, spec: TemplateSpec) -> tuple[str, int | None]:
    """The template (its name as loaded) and line of the innermost template frame of a
    traceback: an error inside an included template names that template."""
    where, line = spec.file, None
    while tb is not None:
        frame_globals = tb.tb_frame.f_globals
        if "__jinja_exception__" in frame_globals:  # a frame Jinja maps to template lines
            filename = tb.tb_frame.f_code.co_filename
            where = spec.file if filename == str(spec.path) else _names.get(filename, filename)
            line = tb.tb_lineno
        tb = tb.tb_next
    return where, line


#: real path -> template name as loaded, for error messages.
_names: dict[str, str] = {}
