"""Condition operators: each turns (request value, policy value) into a match.

Semantics (IAM User Guide, "Condition operators" and "Single-valued vs multivalued
context keys"), applied by :func:`compile_condition`:

* several values under one key: OR; under a negated operator: NOR;
* a missing key: false, except for negated operators and ``...IfExists`` (true);
* a multivalued request value under an operator without a set prefix: false;
* ``ForAllValues:``: every request value matches some policy value; true when the
  key is missing or empty. ``ForAnyValue:``: at least one request value matches;
  false when the key is missing or empty;
* ``Null``: ``true`` asks for an absent key, ``false`` for a present one;
* a policy value holding a variable without a value (and without default) is
  "effectively null": a positive operator (``StringEquals``, ``StringLike``,
  ``ArnLike``, ...) does not match it, a negated one (``StringNotEquals``,
  ``StringNotLike``, ``ArnNotEquals``, ...) does, "as the value of the condition key
  they are testing against is not equal to or like the effectively null value" (IAM
  User Guide, "Policy variables", section "Policy variables with no value"). So a
  ``Deny`` with ``StringNotEquals`` against ``${aws:PrincipalTag/Team}`` denies a
  caller without the tag.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeAlias

from . import _glob
from .errors import PolicyParseError, SchemaIssue
from .model import Condition, ConditionScalar

Context: TypeAlias = Mapping[str, tuple[tuple[str, ...], bool]]
ValueTest: TypeAlias = Callable[[str, Context], bool]


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    negated: bool
    variables: bool  # whether policy variables are substituted in values


_STRING = {
    "StringEquals": False,
    "StringNotEquals": True,
    "StringEqualsIgnoreCase": False,
    "StringNotEqualsIgnoreCase": True,
    "StringLike": False,
    "StringNotLike": True,
}
_NUMERIC = {
    "NumericEquals": False,
    "NumericNotEquals": True,
    "NumericLessThan": False,
    "NumericLessThanEquals": False,
    "NumericGreaterThan": False,
    "NumericGreaterThanEquals": False,
}
_DATE = {k.replace("Numeric", "Date"): v for k, v in _NUMERIC.items()}
_ARN = {"ArnEquals": False, "ArnLike": False, "ArnNotEquals": True, "ArnNotLike": True}
_IP = {"IpAddress": False, "NotIpAddress": True}
BASE_OPERATORS = frozenset(
    [*_STRING, *_NUMERIC, *_DATE, *_ARN, *_IP, "Bool", "BinaryEquals", "Null"]
)
NEGATED = frozenset(
    k for table in (_STRING, _NUMERIC, _DATE, _ARN, _IP) for k, v in table.items() if v
)


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """One condition, ready to test against a normalised request context."""

    source: Condition
    key: str  # lower-case
    test: Callable[[Context], bool]

    def __call__(self, context: Context) -> bool:
        return self.test(context)


def compile_condition(cond: Condition, *, variables: bool, path: str) -> CompiledCondition:
    base = cond.base_operator
    if base not in BASE_OPERATORS:
        raise PolicyParseError([SchemaIssue(path, f"unknown condition operator `{cond.operator}`")])
    key = cond.key.lower()
    if base == "Null":
        if cond.set_operator or cond.if_exists:
            raise PolicyParseError(
                [SchemaIssue(path, "`Null` takes neither a set prefix nor `IfExists`")]
            )
        wanted = {_bool_text(v, path) for v in cond.values}
        # `false` asks for a present key, `true` for an absent one; either value matches.
        if_present = "false" in wanted
        if_absent = "true" in wanted

        def null_test(ctx: Context) -> bool:
            entry = ctx.get(key)
            if entry is not None and entry[0]:
                return if_present
            return if_absent

        return CompiledCondition(cond, key, null_test)

    negated = base in NEGATED
    matches: ValueTest
    if base in _STRING:
        matches = _string_values(base, cond.values, variables=variables)
    else:
        matches = _any_value(
            [_value_test(base, v, variables=variables, path=path) for v in cond.values],
            negated=negated,
        )

    set_op = cond.set_operator
    if_exists = cond.if_exists

    if set_op == "ForAllValues":

        def for_all(ctx: Context) -> bool:
            entry = ctx.get(key)
            if entry is None or not entry[0]:
                return True
            for v in entry[0]:  # noqa: SIM110 - a plain loop is faster on this hot path
                if not matches(v, ctx):
                    return False
            return True

        test = for_all
    elif set_op == "ForAnyValue":

        def for_any(ctx: Context) -> bool:
            entry = ctx.get(key)
            if entry is None or not entry[0]:
                return if_exists and entry is None
            for v in entry[0]:  # noqa: SIM110 - a plain loop is faster on this hot path
                if matches(v, ctx):
                    return True
            return False

        test = for_any
    elif set_op is None:

        def single(ctx: Context) -> bool:
            entry = ctx.get(key)
            if entry is None:
                return negated or if_exists
            values, multi = entry
            if multi or len(values) != 1:
                return False
            return matches(values[0], ctx)

        test = single
    else:  # pragma: no cover - the schema admits only the two prefixes
        raise PolicyParseError([SchemaIssue(path, f"unknown set operator `{set_op}`")])
    return CompiledCondition(cond, key, test)


def _any_value(value_tests: list[ValueTest], *, negated: bool) -> ValueTest:
    """Several policy values under one key: OR; under a negated operator, NOR."""
    matches: ValueTest
    if len(value_tests) == 1:
        matches = value_tests[0]
    elif negated:

        def matches(request_value: str, ctx: Context) -> bool:
            # Each test says whether the request value satisfies that policy value,
            # negation applied: negated operators need every one (NOR).
            return all(t(request_value, ctx) for t in value_tests)

    else:

        def matches(request_value: str, ctx: Context) -> bool:
            return any(t(request_value, ctx) for t in value_tests)

    return matches


def _string_values(base: str, raws: tuple[ConditionScalar, ...], *, variables: bool) -> ValueTest:
    """The policy values of a String* operator as one test, prepared once: literal
    values in a set, ``L*`` ones as prefixes, other wildcard ones in one pattern,
    values with a variable resolved per request (:func:`_string_test`); OR of them,
    NOR under a negated operator."""
    negated = base in NEGATED
    like = base in ("StringLike", "StringNotLike")
    ignore_case = "IgnoreCase" in base
    literals: set[str] = set()
    regexes: list[re.Pattern[str]] = []
    prefixes: list[str] = []  # `L*` values (case-sensitive): str.startswith, no regex
    dynamic: list[ValueTest] = []
    for raw in raws:
        text = _text(raw)
        tokens = _glob.tokenize(text, variables=variables, wildcards=like)
        if _glob.has_variables(tokens):
            dynamic.append(_string_test(base, text, variables=variables))
            continue
        literal = _glob.literal_text(tokens)
        prefix = _glob.literal_prefix(tokens, "any", ignore_case=ignore_case)
        if literal is not None:
            literals.add(literal.lower() if ignore_case else literal)
        elif prefix is not None:
            prefixes.append(prefix)
        else:
            regexes.append(_glob.to_regex(tokens, "any", ignore_case=ignore_case))
    exact = frozenset(literals)
    starts = tuple(dict.fromkeys(prefixes))
    pattern = _glob.union(regexes)

    def static_hit(value: str) -> bool:
        if (value.lower() if ignore_case else value) in exact or value.startswith(starts):
            return True
        return pattern is not None and pattern.fullmatch(value) is not None

    if not dynamic and pattern is None and not ignore_case:  # the common cases, inline
        if not starts:  # plain strings
            if negated:
                return lambda value, ctx: value not in exact
            return lambda value, ctx: value in exact
        if negated:
            return lambda value, ctx: value not in exact and not value.startswith(starts)
        return lambda value, ctx: value in exact or value.startswith(starts)
    if not dynamic:
        if negated:
            return lambda value, ctx: not static_hit(value)
        return lambda value, ctx: static_hit(value)
    if negated:
        return lambda value, ctx: not static_hit(value) and all(t(value, ctx) for t in dynamic)
    return lambda value, ctx: static_hit(value) or any(t(value, ctx) for t in dynamic)


def _value_test(base: str, raw: ConditionScalar, *, variables: bool, path: str) -> ValueTest:
    if base in _STRING:
        return _string_test(base, _text(raw), variables=variables)
    if base in _ARN:
        return _arn_test(base, _text(raw), variables=variables)
    if base == "Bool":
        return _bool_test(raw, variables=variables, path=path)
    if base in _NUMERIC:
        return _ordered_test(base, "Numeric", _parse_number, raw, path, "a number")
    if base in _DATE:
        return _ordered_test(
            base, "Date", parse_date, raw, path, "an ISO 8601 date or epoch seconds"
        )
    if base in _IP:
        return _ip_test(base, _network(raw, path))
    if base == "BinaryEquals":
        return _binary_test(_base64(raw, path))
    raise PolicyParseError([SchemaIssue(path, f"unknown condition operator `{base}`")])


# -- string and ARN ----------------------------------------------------------------------


def _string_test(base: str, raw: str, *, variables: bool) -> ValueTest:
    negated = base in NEGATED
    like = base in ("StringLike", "StringNotLike")
    ignore_case = "IgnoreCase" in base
    tokens = _glob.tokenize(raw, variables=variables, wildcards=like)
    dynamic = _glob.has_variables(tokens)
    literal = None if dynamic else _glob.literal_text(tokens)
    if literal is not None:  # the common case: a plain string compare
        if ignore_case:
            folded = literal.lower()
            if negated:
                return lambda value, ctx: value.lower() != folded
            return lambda value, ctx: value.lower() == folded
        if negated:
            return lambda value, ctx: value != literal
        return lambda value, ctx: value == literal
    static = None if dynamic else _glob.to_regex(tokens, "any", ignore_case=ignore_case)

    def test(value: str, ctx: Context) -> bool:
        pattern = static
        if pattern is None:
            resolved = _glob.resolve(tokens, _glob.context_lookup(ctx))
            if resolved is None:
                return negated  # a null policy value: only a negated operator matches
            pattern = _glob.to_regex(resolved, "any", ignore_case=ignore_case)
        hit = pattern.fullmatch(value) is not None
        return not hit if negated else hit

    return test


def _arn_test(base: str, raw: str, *, variables: bool) -> ValueTest:
    negated = base in NEGATED
    tokens = _glob.tokenize(raw, variables=variables, wildcards=True)
    static = None if _glob.has_variables(tokens) else _arn_parts(tokens)

    def test(value: str, ctx: Context) -> bool:
        parts = static
        if parts is None:
            resolved = _glob.resolve(tokens, _glob.context_lookup(ctx))
            if resolved is None:
                return negated  # a null policy value: only a negated operator matches
            parts = _arn_parts(resolved)
        # The six ARN parts are compared one by one: a wildcard never spans a colon
        # between parts, and a request value that is not an ARN matches nothing.
        values = value.split(":", 5)
        hit = (
            parts is not None
            and len(values) == 6
            and all(p.fullmatch(v) is not None for p, v in zip(parts, values, strict=True))
        )
        return not hit if negated else hit

    return test


def _arn_parts(tokens: tuple[_glob.Token, ...]) -> tuple[re.Pattern[str], ...] | None:
    pieces = _glob.split_tokens(tokens, ":", 5)
    if len(pieces) != 6:
        return None
    return tuple(_glob.to_regex(piece, "any", ignore_case=False) for piece in pieces)


# -- bool, numbers, dates, IPs, binary ----------------------------------------------------


def _text(raw: ConditionScalar) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _bool_text(raw: ConditionScalar, path: str) -> str:
    text = _text(raw).lower()
    if text not in ("true", "false"):
        raise PolicyParseError([SchemaIssue(path, f"`{raw}` is not `true` or `false`")])
    return text


def _bool_test(raw: ConditionScalar, *, variables: bool, path: str) -> ValueTest:
    text = _text(raw)
    tokens = _glob.tokenize(text, variables=variables, wildcards=False)
    if not _glob.has_variables(tokens):
        wanted = _bool_text(raw, path)
        return lambda value, ctx: value.lower() == wanted

    def test(value: str, ctx: Context) -> bool:
        resolved = _glob.resolve(tokens, _glob.context_lookup(ctx))
        if resolved is None:
            return False
        wanted = (_glob.literal_text(resolved) or "").lower()
        return wanted in ("true", "false") and value.lower() == wanted

    return test


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "Equals": lambda a, b: a == b,
    "NotEquals": lambda a, b: a != b,
    "LessThan": lambda a, b: a < b,
    "LessThanEquals": lambda a, b: a <= b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEquals": lambda a, b: a >= b,
}


def _parse_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _ordered_test(
    base: str,
    family: str,
    parse: Callable[[str], float | None],
    raw: ConditionScalar,
    path: str,
    what: str,
) -> ValueTest:
    """A Numeric* or Date* comparison: the policy value parsed once (an error names
    ``what`` it must be), each request value parsed the same way (unparsable: false)."""
    wanted = None if isinstance(raw, bool) else parse(str(raw))
    if wanted is None:
        raise PolicyParseError([SchemaIssue(path, f"`{raw}` is not {what}")])
    compare = _COMPARE[base.removeprefix(family)]

    def test(value: str, ctx: Context) -> bool:
        got = parse(value)
        return got is not None and compare(got, wanted)

    return test


def parse_date(text: str) -> float | None:
    """Seconds since the epoch for ISO 8601 text or epoch seconds; ``None`` if neither."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return float(text)
    candidate = text.replace("z", "Z").replace("Z", "+00:00")
    if len(candidate) > 10 and candidate[10] in " t":
        candidate = candidate[:10] + "T" + candidate[11:]
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network


def _network(raw: ConditionScalar, path: str) -> Network:
    try:
        return ipaddress.ip_network(str(raw), strict=False)
    except ValueError as exc:
        raise PolicyParseError([SchemaIssue(path, f"`{raw}` is not a CIDR block: {exc}")]) from exc


def _ip_test(base: str, network: Network) -> ValueTest:
    negated = base == "NotIpAddress"

    def test(value: str, ctx: Context) -> bool:
        try:
            address = ipaddress.ip_address(value.split("/")[0])
        except ValueError:
            return False
        hit = address.version == network.version and address in network
        return not hit if negated else hit

    return test


def _base64(raw: ConditionScalar, path: str) -> bytes:
    try:
        return base64.b64decode(str(raw), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PolicyParseError([SchemaIssue(path, f"`{raw}` is not base64")]) from exc


def _binary_test(wanted: bytes) -> ValueTest:
    def test(value: str, ctx: Context) -> bool:
        try:
            return base64.b64decode(value, validate=True) == wanted
        except (binascii.Error, ValueError):
            return False

    return test
