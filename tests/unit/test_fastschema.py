"""The lint's compiled schema copy must give jsonschema's verdict on every document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_schema import INVALID, VALID  # tests/unit is on sys.path (rootdir import mode)

from policy_engine.lint import _fastschema
from policy_engine.schema import POLICY_KINDS, is_valid_policy

ROOT = Path(__file__).resolve().parents[2]


def _documents() -> list[Any]:
    docs: list[Any] = [d for _, d in VALID] + [d for _, d, _, _ in INVALID]
    corpus = json.loads((ROOT / "tests/cases/lint_corpus.json").read_text(encoding="utf-8"))
    docs += [c["policy"] for c in corpus["cases"]]
    for case in json.loads((ROOT / "tests/cases/aws_documented.json").read_text("utf-8")):
        for key in ("identity", "resource_policy", "boundary", "session"):
            found = case.get(key)
            docs += found if isinstance(found, list) else [found] if found else []
    return docs


@pytest.mark.parametrize("kind", POLICY_KINDS)
def test_same_verdict_on_every_stored_document(kind: Any) -> None:
    docs = _documents()
    assert len(docs) > 140
    for doc in docs:
        assert _fastschema.is_valid(doc, kind) == is_valid_policy(doc, kind=kind), doc


_leaf = st.one_of(
    st.sampled_from(
        ["Allow", "Deny", "*", "s3:GetObject", "arn:aws:s3:::b/*", "2012-10-17", "true", ""]
    ),
    st.integers(-2, 2),
    st.booleans(),
    st.none(),
)
_keys = st.sampled_from(
    ["Version", "Statement", "Sid", "Effect", "Action", "NotAction", "Resource",
     "NotResource", "Principal", "NotPrincipal", "Condition", "AWS", "Service",
     "StringEquals", "ForAllValues:StringLike", "NumericLessThan", "Bool", "IpAddress",
     "Null", "aws:SourceIp", "s3:prefix", "Id", "Extra"]
)  # fmt: skip
_json = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@given(
    statement=st.dictionaries(_keys, _json, max_size=6),
    kind=st.sampled_from(POLICY_KINDS),
    as_list=st.booleans(),
)
def test_same_verdict_on_generated_documents(
    statement: dict[str, Any], kind: Any, as_list: bool
) -> None:
    doc = {"Version": "2012-10-17", "Statement": [statement] if as_list else statement}
    assert _fastschema.is_valid(doc, kind) == is_valid_policy(doc, kind=kind)
