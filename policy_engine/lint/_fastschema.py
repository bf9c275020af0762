"""A compiled (fastjsonschema) copy of the IAM policy schema: the lint's fast
validity check. jsonschema stays the reference and writes every message; this
copy only answers "valid or not" about 10x sooner, which is most of the time per
policy file. The schema's keywords are all draft-07 keywords, and a property test
(tests/unit/test_fastschema.py) keeps both validators' verdicts equal."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from ..schema import _ENTRY, PolicyKind, load_schema


@cache
def _compiled(kind: PolicyKind) -> Callable[[Any], Any]:
    import fastjsonschema

    schema = dict(load_schema("iam-policy.schema.json"))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$ref"] = f"#/$defs/{_ENTRY[kind]}"
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema)
    return validate


def is_valid(document: Any, kind: PolicyKind) -> bool:
    import fastjsonschema

    try:
        _compiled(kind)(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True
