"""Parsing untrusted policy text: JSON decoding, the IAM grammar, the typed model.

>>> parse_policy('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
...              ' "Action": "sqs:SendMessage", "Resource": "*"}]}').statements[0].effect
'Allow'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .errors import PolicyParseError, SchemaIssue
from .model import Policy, policy_from_obj
from .schema import PolicyKind, iter_schema_errors


def decode_json(text: str | bytes, *, source: str | None = None) -> Any:
    """Decode JSON, reporting line and column on failure."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyParseError(
            [SchemaIssue("$", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")],
            source=source,
        ) from exc
    except UnicodeDecodeError as exc:
        raise PolicyParseError(
            [SchemaIssue("$", f"not UTF-8 text: {exc.reason}")], source=source
        ) from exc


def parse_policy(
    document: str | bytes | Mapping[str, Any],
    *,
    kind: PolicyKind = "any",
    source: str | None = None,
) -> Policy:
    """Parse and check a policy (JSON text or a decoded object) for one policy kind.

    Raises :class:`~policy_engine.errors.PolicyParseError` naming every problem with
    its JSON path; never returns a partial policy.
    """
    from ._fastschema import is_valid

    obj = decode_json(document, source=source) if isinstance(document, str | bytes) else document
    # The compiled schema answers first; jsonschema (the reference) is asked only
    # about a document it calls invalid, and names every problem.
    if not is_valid(obj, kind):
        issues = list(iter_schema_errors(obj, kind=kind))
        if issues:
            raise PolicyParseError(issues, source=source)
    return policy_from_obj(obj)
