"""Whether a policy's Resource pattern can name a resource of a documented ARN format.

Both sides are patterns: the policy side has ``*``, ``?`` and policy variables; the
documented format (``arn:${Partition}:s3:::${BucketName}/${ObjectName}``) has
placeholders. The answer is exact for that model: the two languages intersect.

A placeholder stands for one or more characters. In the first five fields it never
spans ``:``. In the resource part it may span anything, ``/`` and ``:`` included,
unless the service documents a naming rule for that name which excludes both
(``_ATOMS``): resource names are paths in many services (log groups
``/aws/lambda/fn``, IAM ``role/service-role/x``, SSM parameters ``app/acme/db``,
secrets ``app/acme/db-AbCdEf``, S3 keys), and many end in documented suffixes
(``log-group:NAME:*`` for a group's streams, ``function:NAME:QUALIFIER``). The lint
must never call a documented ARN a mismatch, so names without a known rule are
taken as permissive. A ``*`` in a documented format (``dms ... endpoint:*``) stands for
any name. A policy ``*`` or variable matches any string, ``?`` one character.

>>> overlaps("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}")
False
>>> overlaps("arn:aws:s3:::bucket", "arn:${Partition}:s3:::${BucketName}")
True
>>> overlaps("arn:aws:s3:::*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}")
True
>>> stream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}" + (
...     ":log-stream:${LogStreamName}"
... )
>>> overlaps("arn:aws:logs:eu-west-1:111122223333:log-group:/aws/lambda/fn:*", stream)
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import ClassVar

from .._glob import Var, Wild, as_pattern, may_overlap, tokenize

# A token: (char class, repeat). Class: one literal char, or ANY, ATOM, NOCOLON.
# repeat: "1" exactly one, "*" zero or more.
_ANY, _ATOM, _NOCOLON = "\x00any", "\x00atom", "\x00nocolon"
#: The characters a class excludes (a literal character is a class of its own).
_EXCLUDES = {_ANY: "", _ATOM: "/:", _NOCOLON: ":"}

#: (service field of the ARN, placeholder) whose documented naming rules admit neither
#: ``/`` nor ``:``. Only names whose rules are documented belong here; every other
#: resource-part placeholder may span both (see the module docstring).
_ATOMS = frozenset(
    {
        ("s3", "BucketName"),  # S3 UG "Bucket naming rules": a-z 0-9 . -
        ("dynamodb", "TableName"),  # DynamoDB DG "Naming rules": a-z A-Z 0-9 _ - .
        ("dynamodb", "IndexName"),  # same rules as table names
        ("sqs", "QueueName"),  # SQS DG "Queue names": alphanumerics, - and _ (.fifo)
        ("sns", "TopicName"),  # SNS DG "CreateTopic": alphanumerics, - and _
    }
)
Token = tuple[str, str]
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_WILD_HEAD = re.compile(r"[*?$]")
_CHAR_TOKENS: dict[str, Token] = {"*": (_ANY, "*"), "?": (_ANY, "1")}


@lru_cache(maxsize=1024)
def _policy_tokens(pattern: str) -> tuple[Token, ...]:
    out: list[Token] = []
    for tok in tokenize(pattern, variables=True, wildcards=True):
        if isinstance(tok, Wild):
            out.append(_CHAR_TOKENS[tok.char])
        elif isinstance(tok, Var):
            out.append((_ANY, "*"))  # any value
        else:
            out += [(ch, "1") for ch in tok.text]  # escapes already literal
    return tuple(out)


def placeholder_class(service: str, name: str, *, in_head: bool) -> str:
    """The class of characters a ``${name}`` placeholder of a ``service`` ARN format
    stands for: ``_NOCOLON`` in the first five fields, ``_ATOM`` for names in
    ``_ATOMS``, else ``_ANY``."""
    if in_head:
        return _NOCOLON
    return _ATOM if (service, name) in _ATOMS else _ANY


def _format_tokens(arn: str, *, tail_only: bool = False) -> tuple[Token, ...]:
    """Tokens of a documented ARN format (with ``tail_only``, of its resource part)."""
    out: list[Token] = []
    fields = arn.split(":", 5)
    service = fields[2] if len(fields) > 2 else ""
    colons = 0
    pos = 0
    for m in _PLACEHOLDER.finditer(arn):
        colons = _literal_tokens(arn[pos : m.start()], colons, out)
        cls = placeholder_class(service, m.group()[2:-1], in_head=colons < 5)
        out += [(cls, "1"), (cls, "*")]
        pos = m.end()
    _literal_tokens(arn[pos:], colons, out)
    if tail_only:
        # drop the tokens of the first five fields (up to and including the 5th colon)
        seen = 0
        for index, (cls, _) in enumerate(out):
            seen += cls == ":"
            if seen == 5:
                return tuple(out[index + 1 :])
    return tuple(out)


def _literal_tokens(text: str, colons: int, out: list[Token]) -> int:
    """Append the tokens of a format's literal text; returns the colons seen so far.
    A ``*`` in a documented format (``dms ... endpoint:*``) stands for any name."""
    for ch in text:
        if ch == "*":
            out.append((_NOCOLON if colons < 5 else _ANY, "*"))
        else:
            out.append((ch, "1"))
            colons += ch == ":"
    return colons


def _adjacent_placeholders(tokens: tuple[Token, ...]) -> int:
    """The most placeholders in a row with no literal between them."""
    best = run = 0
    for cls, rep in tokens:
        if len(cls) == 1:
            run = 0
        elif rep == "1":
            run += 1
            best = max(best, run)
    return best


def _meet(a: str, b: str) -> bool:
    """Whether two character classes share a character."""
    if len(a) == 1 and len(b) == 1:
        return a == b
    if len(a) == 1 or len(b) == 1:
        ch, cls = (a, b) if len(a) == 1 else (b, a)
        return ch not in _EXCLUDES[cls]
    return True  # every class holds letters


def overlaps(policy_resource: str, arn_format: str) -> bool:
    fields = policy_resource.split(":", 5)
    if len(fields) == 6:
        head = len(policy_resource) - len(fields[5])
        if not _WILD_HEAD.search(policy_resource, 0, head):
            # The common case: a literal partition/service/region/account. Match the
            # first five fields with a regex, then only the resource parts.
            tail = _FormatAutomaton.of(arn_format, tail_only=True)
            if tail.head is None or not tail.head.fullmatch(policy_resource, 0, head):
                return False
            return tail.accepts_some_cached(tail.normalize(fields[5]))
    whole = _FormatAutomaton.of(arn_format, tail_only=False)
    return whole.accepts_some_cached(whole.normalize(policy_resource))


class Spelling:
    """A tenant-independent spelling of policy patterns: every character outside
    ``literals`` (and ``/:*?$``) becomes one stand-in, and each run of them is cut to
    ``cap`` stand-ins. A pattern with a policy variable is kept as written."""

    __slots__ = ("_long", "_one", "_stand_ins")

    def __init__(self, literals: Iterable[str], cap: int) -> None:
        others = "[^" + re.escape("".join(sorted(set(literals) | set("/:*?$")))) + "]"
        self._long = re.compile(f"{others}{{{cap},}}") if cap > 1 else None
        self._one = re.compile(others + ("+" if cap <= 1 else ""))
        self._stand_ins = "\x01" * max(1, cap)

    def __call__(self, policy_pattern: str) -> str:
        if "${" in policy_pattern:
            return policy_pattern
        if self._long is not None:  # runs of ``cap`` or more: ``cap`` stand-ins
            policy_pattern = self._long.sub(self._stand_ins, policy_pattern)
        return self._one.sub("\x01", policy_pattern)


def shared_spelling(arn_formats: Iterable[str]) -> Spelling:
    """A spelling under which every one of ``arn_formats`` answers :func:`overlaps` as
    it does for the pattern itself, so that one answer serves every tenant's copy of a
    statement. It coarsens each format's own spelling (``_FormatAutomaton.normalize``):
    the characters that none of the formats names are a subset of those each one does
    not name, and the cap is no shorter than each one's."""
    automata = [_FormatAutomaton.of(f, tail_only=False) for f in arn_formats]
    literals: set[str] = set().union(*(a.literals for a in automata))
    return Spelling(literals, max([1, *(a.cap for a in automata)]))


class _FormatAutomaton:
    """A documented format as a bit-parallel automaton over its token positions: bit
    ``j`` set means "after reading a prefix, the format can be at token ``j``". A policy
    literal advances the set; a policy ``*`` (or variable) reaches every later position,
    since each token accepts at least one character."""

    _cache: ClassVar[dict[tuple[str, bool], _FormatAutomaton]] = {}

    def __init__(self, tokens: tuple[Token, ...], head: re.Pattern[str] | None = None) -> None:
        self.tokens = tokens
        self.head = head  # with tail_only: the first five fields, as a regex
        self.end = 1 << len(tokens)
        self.all = (self.end << 1) - 1
        self.star = sum(1 << j for j, (_, rep) in enumerate(tokens) if rep == "*")
        self.one = sum(1 << j for j, (_, rep) in enumerate(tokens) if rep == "1")
        self._accepts: dict[str, int] = {}
        self._memo: dict[str, bool] = {}
        self.literals = frozenset(c for c, _ in tokens if len(c) == 1)
        # Characters the format never names behave alike; runs of them longer than the
        # longest stretch of adjacent placeholders behave alike too.
        self.cap = max(1, _adjacent_placeholders(tokens))
        self.normalize = Spelling(self.literals, self.cap)

    @classmethod
    def of(cls, arn_format: str, *, tail_only: bool) -> _FormatAutomaton:
        key = (arn_format, tail_only)
        found = cls._cache.get(key)
        if found is None:
            head = None
            fields = arn_format.split(":", 5)
            if tail_only and len(fields) == 6:
                text = ":".join(fields[:5]) + ":"
                pieces = _PLACEHOLDER.split(text)
                head = re.compile(
                    "[^:]+".join(re.escape(piece).replace(r"\*", "[^:]*") for piece in pieces)
                )
            tokens = _format_tokens(arn_format, tail_only=tail_only)
            found = cls._cache[key] = cls(tokens, head)
        return found

    def accepts_some_cached(self, policy_pattern: str) -> bool:
        found = self._memo.get(policy_pattern)
        if found is None:
            if len(self._memo) > 4096:
                self._memo.clear()
            found = self._memo[policy_pattern] = self.accepts_some(policy_pattern)
        return found

    def accepts_some(self, policy_pattern: str) -> bool:
        state = self._closure(1)
        for c, rep in _policy_tokens(policy_pattern):
            if rep == "*":
                low = state & -state
                state = self.all & ~(low - 1) if state else 0
                continue
            moved = state & self._mask(c)
            state = self._closure(((moved & self.one) << 1) | (moved & self.star))
            if not state:
                return False
        return bool(state & self.end)

    def _closure(self, state: int) -> int:
        while True:
            grown = state | ((state & self.star) << 1)
            if grown == state:
                return state
            state = grown

    def _mask(self, ch: str) -> int:
        mask = self._accepts.get(ch)
        if mask is None:
            mask = sum(1 << j for j, (c, _) in enumerate(self.tokens) if _meet(ch, c))
            self._accepts[ch] = mask
        return mask


@lru_cache(maxsize=4096)
def globs_overlap(a: str, b: str, *, ignore_case: bool = False) -> bool:
    """Whether two policy patterns (``*``, ``?``, variables) can match one string."""
    if ignore_case:
        a, b = a.lower(), b.lower()
    return may_overlap(as_pattern(a), as_pattern(b))
