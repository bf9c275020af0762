"""Whether a policy's Resource pattern can name a resource of a documented ARN format.

Both sides are patterns: the policy side has ``*``, ``?`` and policy variables; the
documented format (``arn:${Partition}:s3:::${BucketName}/${ObjectName}``) has
placeholders. The answer is exact for that model: the two languages intersect.

A placeholder matches one or more characters without ``:`` in the first five
fields, and without ``/`` in the resource part, except the last placeholder after
a ``/`` or ``:`` in the resource part (object keys, secret names and role paths
carry slashes). A policy ``*`` or variable matches any string, ``?`` one character.

>>> overlaps("arn:aws:s3:::bucket/*", "arn:${Partition}:s3:::${BucketName}")
False
>>> overlaps("arn:aws:s3:::bucket", "arn:${Partition}:s3:::${BucketName}")
True
>>> overlaps("arn:aws:s3:::*", "arn:${Partition}:s3:::${BucketName}/${ObjectName}")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

# A token: (char class, repeat). Class: one literal char, or ANY, NOSLASH, NOCOLON.
# repeat: "1" exactly one, "*" zero or more.
_ANY, _NOSLASH, _NOCOLON = "\x00any", "\x00noslash", "\x00nocolon"
Token = tuple[str, str]
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
_VARIABLE = re.compile(r"\$\{[^}]*\}")


def _policy_tokens(pattern: str) -> tuple[Token, ...]:
    out: list[Token] = []
    i = 0
    while i < len(pattern):
        m = _VARIABLE.match(pattern, i)
        if m:
            escaped = {"${*}": "*", "${?}": "?", "${$}": "$"}.get(m.group(0))
            out.append((escaped, "1") if escaped else (_ANY, "*"))
            i = m.end()
            continue
        ch = pattern[i]
        out.append((_ANY, "*") if ch == "*" else (_ANY, "1") if ch == "?" else (ch, "1"))
        i += 1
    return tuple(out)


def _format_tokens(arn: str) -> tuple[Token, ...]:
    out: list[Token] = []
    holes = list(_PLACEHOLDER.finditer(arn))
    colons = 0
    pos = 0
    for n, m in enumerate(holes):
        for ch in arn[pos : m.start()]:
            out.append((ch, "1"))
            colons += ch == ":"
        head = arn[: m.start()]
        if colons < 5:
            cls = _NOCOLON
        elif n == len(holes) - 1 and head.split(":", 5)[5][-1:] in ("/", ":"):
            cls = _ANY
        else:
            cls = _NOSLASH
        out += [(cls, "1"), (cls, "*")]
        pos = m.end()
    out += [(ch, "1") for ch in arn[pos:]]
    return tuple(out)


def _meet(a: str, b: str) -> bool:
    """Whether two character classes share a character."""
    if a == _ANY or b == _ANY:
        return True
    if len(a) == 1 and len(b) == 1:
        return a == b
    if len(a) == 1 or len(b) == 1:
        ch, cls = (a, b) if len(a) == 1 else (b, a)
        return ch != ("/" if cls == _NOSLASH else ":")
    return True  # NOSLASH and NOCOLON share letters


@lru_cache(maxsize=4096)
def overlaps(policy_resource: str, arn_format: str) -> bool:
    return _search(_policy_tokens(policy_resource), _format_tokens(arn_format))


def _search(a: tuple[Token, ...], b: tuple[Token, ...]) -> bool:
    seen: set[tuple[int, int]] = set()
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        nxt = []
        if i < len(a) and a[i][1] == "*":
            nxt.append((i + 1, j))
        if j < len(b) and b[j][1] == "*":
            nxt.append((i, j + 1))
        if i < len(a) and j < len(b) and _meet(a[i][0], b[j][0]):
            step = (i + (a[i][1] == "1"), j + (b[j][1] == "1"))
            if step != (i, j):
                nxt.append(step)
        stack.extend(nxt)
    return False


@lru_cache(maxsize=4096)
def globs_overlap(a: str, b: str, *, ignore_case: bool = False) -> bool:
    """Whether two policy patterns (``*``, ``?``, variables) can match one string."""
    if ignore_case:
        a, b = a.lower(), b.lower()
    return _search(_policy_tokens(a), _policy_tokens(b))
