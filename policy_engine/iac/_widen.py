"""How the lint and the proof read a policy with opaque (unresolved) parts.

The rule, for each statement (conservative: the policy read is at least as wide as
any policy the template could deploy, and the reader is told):

- an **Allow** keeps its statement; in ``Action``, ``Resource`` and ``NotPrincipal``-free
  ``Principal`` each opaque part of a string becomes ``*`` (any text: an opaque
  bucket name reads as every bucket, an opaque prefix as every prefix, so a resource
  never looks scoped because of a value nobody knows); a principal value with an
  opaque part becomes ``*`` (anyone); a condition entry whose key or values hold an
  opaque part is dropped (the statement may apply without it); an opaque part in
  ``NotAction`` / ``NotResource`` / ``NotPrincipal`` drops that value (less is excluded);
- a **Deny** with any opaque part is dropped (a fence nobody can read fences nothing);
- a statement whose ``Effect`` is opaque is read as an **Allow** (it may be one; its
  Deny reading fences nothing), an opaque ``Sid`` is ignored (it changes no meaning):
  neither drops a statement that may allow.

Each change is a :class:`Widening` (path, the value as written, what was done) that the
lint reports as a ``PE111`` note on the statement's line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._resolve import has_opaque, shown, widen_text, with_stand_ins


@dataclass(frozen=True, slots=True)
class Widening:
    path: str
    written: str
    action: str


@dataclass(frozen=True)
class Widened:
    """A policy as read: the document, what was widened, and for each statement
    kept its index in the document as written (dropped statements leave gaps)."""

    document: dict[str, Any]
    notes: list[Widening]
    kept: tuple[int, ...]

    def lines(self, written: Mapping[str, int]) -> dict[str, int]:
        """Lines of the written document's paths, re-indexed to the kept statements."""
        if all(i == j for j, i in enumerate(self.kept)) or isinstance(
            self.document.get("Statement"), Mapping
        ):
            return dict(written)
        out = {k: v for k, v in written.items() if not k.startswith("$.Statement")}
        for new, old in enumerate(self.kept):
            for prefix in (f"$.Statement[{old}]", "$.Statement"):
                for k, v in written.items():
                    if k == prefix or k.startswith((prefix + ".", prefix + "[")):
                        rest = k[len(prefix) :]
                        if prefix == "$.Statement" and rest.startswith("["):
                            continue
                        out[f"$.Statement[{new}]{rest}"] = v
                if any(k.startswith(f"$.Statement[{old}]") for k in written):
                    break
        if "$.Statement" in written:
            out["$.Statement"] = written["$.Statement"]
        return out


def widen_policy(document: Mapping[str, Any]) -> Widened:
    """The policy as the lint and the proof read it, and what was widened."""
    notes: list[Widening] = []
    document = with_stand_ins(document)
    out = dict(document)
    raw = document.get("Statement")
    kept: list[int] = []
    if isinstance(raw, list):
        statements = []
        for i, s in enumerate(raw):
            w = _statement(s, f"$.Statement[{i}]", notes)
            if w is not None:
                statements.append(w)
                kept.append(i)
        out["Statement"] = statements
    elif isinstance(raw, Mapping):
        w = _statement(raw, "$.Statement", notes)
        if w is None:
            out["Statement"] = []
        else:
            out["Statement"] = w
            kept.append(0)
    for key in ("Version", "Id"):
        if isinstance(out.get(key), str) and has_opaque(out[key]):
            notes.append(Widening(f"$.{key}", shown(out[key]), "ignored"))
            del out[key]
    return Widened(out, notes, tuple(kept))


def _statement(s: Any, path: str, notes: list[Widening]) -> Any:
    if not isinstance(s, Mapping) or not has_opaque(s):
        return s
    effect = s.get("Effect")
    if has_opaque(s.get("Sid")):
        notes.append(Widening(f"{path}.Sid", _first(s["Sid"]), "ignored (a Sid means nothing)"))
        s = {k: v for k, v in s.items() if k != "Sid"}
        if not has_opaque(s):
            return s
    if has_opaque(effect):
        notes.append(
            Widening(
                f"{path}.Effect",
                _first(effect),
                "read as `Allow` (it may be one; as a Deny nobody can read it fences nothing)",
            )
        )
        s = {**s, "Effect": "Allow"}
        effect = "Allow"
    if effect == "Deny":
        notes.append(
            Widening(
                path, _first(s), "Deny statement ignored: a fence nobody can read fences nothing"
            )
        )
        return None
    out = dict(s)
    for key in ("Action", "Resource"):
        if key in out and has_opaque(out[key]):
            notes.append(Widening(f"{path}.{key}", _first(out[key]), "read as `*` (any text)"))
            out[key] = _map_strings(out[key], widen_text)
    if "Principal" in out and has_opaque(out["Principal"]):
        notes.append(
            Widening(f"{path}.Principal", _first(out["Principal"]), "read as `*` (anyone)")
        )
        out["Principal"] = _principal(out["Principal"])
    for key in ("NotAction", "NotResource", "NotPrincipal"):
        if key in out and has_opaque(out[key]):
            notes.append(
                Widening(f"{path}.{key}", _first(out[key]), "value ignored (excludes nothing)")
            )
            out[key] = _drop_opaque(out[key])
    cond = out.get("Condition")
    if isinstance(cond, Mapping) and has_opaque(cond):
        kept: dict[str, Any] = {}
        for op, entries in cond.items():
            if has_opaque(op) or not isinstance(entries, Mapping):
                notes.append(Widening(f"{path}.Condition", shown(str(op)), "condition ignored"))
                continue
            fine = {}
            for key, values in entries.items():
                if has_opaque(key) or has_opaque(values):
                    notes.append(
                        Widening(
                            f"{path}.Condition",
                            f"{op} {shown(key)}: {_first(values)}",
                            "condition ignored (the statement may apply without it)",
                        )
                    )
                else:
                    fine[key] = values
            if fine:
                kept[op] = fine
        if kept:
            out["Condition"] = kept
        else:
            del out["Condition"]
    return out


def _principal(value: Any) -> Any:
    if isinstance(value, str):
        return "*"
    if isinstance(value, Mapping) and any(has_opaque(v) for v in value.values()):
        return "*"
    return value


def _drop_opaque(value: Any) -> Any:
    if isinstance(value, list):
        return [v for v in value if not has_opaque(v)]
    if isinstance(value, Mapping):
        return {k: _drop_opaque(v) for k, v in value.items()}
    return []


def _map_strings(value: Any, func: Any) -> Any:
    if isinstance(value, str):
        return func(value)
    if isinstance(value, list):
        return [_map_strings(v, func) for v in value]
    return value


def _first(value: Any) -> str:
    """The first opaque-bearing string of a value, for messages."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, Mapping):
        for v in value.values():
            if has_opaque(v):
                return _first(v)
    if isinstance(value, list):
        for v in value:
            if has_opaque(v):
                return _first(v)
    return shown(str(value))
