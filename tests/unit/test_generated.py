"""The generated files the package ships stay equal to their sources, and the lazy
per-service action data answers exactly as the whole snapshot does."""

from __future__ import annotations

import json
import re
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine import _fastschema, _iamdata
from policy_engine._iamindex import INDEX_FILE, MAGIC, ActionIndex, ActionIndexError, build_index
from policy_engine.parse import parse_policy

PACKAGE = Path(_iamdata.__file__).resolve().parent


@cache
def _snapshot() -> dict[str, Any]:
    return _iamdata.snapshot()


@cache
def _index() -> ActionIndex:
    return ActionIndex.read(str(PACKAGE / INDEX_FILE))


@cache
def _whole() -> dict[str, tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    """The reference: every action of the decoded snapshot by lower-case full name,
    in the snapshot's order (what the data held before the index)."""
    out = {}
    for prefix, svc in _snapshot()["services"].items():
        for name, (level, types, keys) in svc["a"].items():
            out[f"{prefix}:{name}".lower()] = (prefix, name, level, tuple(types), tuple(keys))
    return out


def _row(info: _iamdata.ActionInfo) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...]]:
    return (info.service, info.name, info.level, info.resource_types, info.condition_keys)


def _reference_expand(pattern: str) -> list[tuple[str, str, str, tuple[str, ...], tuple[str, ...]]]:
    lower = pattern.lower()
    if "*" not in lower and "?" not in lower:
        found = _whole().get(lower)
        return [found] if found else []
    regex = re.compile(re.escape(lower).replace(r"\*", ".*").replace(r"\?", "."))
    return [row for full, row in _whole().items() if regex.fullmatch(full)]


# -- the index is the snapshot ------------------------------------------------------------


def test_the_shipped_index_holds_the_snapshot_service_by_service() -> None:
    snapshot, index = _snapshot(), _index()
    assert index.meta == snapshot["meta"]
    assert index.prefixes == tuple(snapshot["services"])  # the same order
    for prefix, svc in snapshot["services"].items():
        # the same content in the same order (order decides expand()'s result order)
        assert json.dumps(index.service(prefix)) == json.dumps(svc), prefix
        assert index.action_count(prefix) == len(svc["a"])
    assert index.service("nosuch") is None


def test_the_shipped_key_type_table_is_the_snapshots() -> None:
    expected: dict[str, str] = {}
    for svc in _snapshot()["services"].values():
        for key, kind in svc["c"].items():
            expected.setdefault(_iamdata.key_shape(key), kind)
    assert list(_index().key_types().items()) == list(expected.items())


def test_rebuilding_the_index_gives_the_same_content() -> None:
    rebuilt = ActionIndex(build_index(_snapshot()))
    shipped = _index()
    assert rebuilt.meta == shipped.meta
    assert rebuilt.prefixes == shipped.prefixes
    assert rebuilt.key_types() == shipped.key_types()
    for prefix in ("s3", "dynamodb", shipped.prefixes[0], shipped.prefixes[-1]):
        assert rebuilt.service(prefix) == shipped.service(prefix)


def test_the_compiled_schema_is_of_the_bundled_schema() -> None:
    import fastjsonschema

    from policy_engine import _schema_compiled

    assert _fastschema.schema_sha256() == _schema_compiled.SCHEMA_SHA256, (
        "schemas/iam-policy.schema.json changed: run `python scripts/build_generated.py`"
    )
    assert set(_schema_compiled.ENTRY_VALIDATORS) == set(_fastschema.ENTRIES)
    if fastjsonschema.VERSION == _schema_compiled.VERSION:
        shipped = (PACKAGE / _fastschema.COMPILED_FILE).read_text(encoding="utf-8")
        assert shipped == _fastschema.generate_source()


# -- a damaged index is refused, naming what is wrong -------------------------------------


def test_damaged_indexes_are_refused_with_the_reason() -> None:
    good = build_index(
        {
            "meta": {"source": "test"},
            "services": {"s3": {"a": {"GetObject": ["R", [], []]}, "r": {}, "c": {}}},
        }
    )
    assert ActionIndex(good).service("s3") == {"a": {"GetObject": ["R", [], []]}, "r": {}, "c": {}}
    with pytest.raises(ActionIndexError, match="does not start with the format line"):
        ActionIndex(b"{}" + good)
    with pytest.raises(ActionIndexError, match="header line is cut off"):
        ActionIndex(MAGIC + b'{"meta": {}')
    with pytest.raises(ActionIndexError, match="header is unreadable"):
        ActionIndex(MAGIC + b'{"meta": {}}\n')
    with pytest.raises(ActionIndexError, match="service `s3` lies outside the file"):
        ActionIndex(good[:-20]).service("s3")
    body = good.index(b"\n", len(MAGIC)) + 1
    flipped = good[:body] + bytes([good[body] ^ 0xFF]) + good[body + 1 :]
    with pytest.raises(ActionIndexError, match="service `s3` does not decode"):
        ActionIndex(flipped).service("s3")
    with pytest.raises(ActionIndexError, match="cannot read the action index"):
        ActionIndex.read("/nonexistent/iam_index.bin")


def test_a_prefix_a_lookup_could_not_reach_is_refused() -> None:
    with pytest.raises(ActionIndexError, match="`S3` is not lower case"):
        build_index({"meta": {}, "services": {"S3": {"a": {}, "r": {}, "c": {}}}})


def test_a_service_blob_is_zlib_json() -> None:
    data = (PACKAGE / INDEX_FILE).read_bytes()
    end = data.index(b"\n", len(MAGIC))
    header = json.loads(data[len(MAGIC) : end])
    prefix, offset, length, _ = header["services"][0]
    blob = data[end + 1 + offset : end + 1 + offset + length]
    assert json.loads(zlib.decompress(blob)) == _snapshot()["services"][prefix]


# -- the lazy data answers as the whole snapshot ------------------------------------------


def test_every_action_is_found_as_in_the_snapshot() -> None:
    data = _iamdata.IamData.from_index(_index())
    for full, row in _whole().items():
        info = data.action(full.upper())
        assert info is not None
        assert _row(info) == row
    assert data.action("s3") is None
    assert data.action("nosuch:GetObject") is None


def _patterns() -> st.SearchStrategy[str]:
    names = st.sampled_from(sorted(_whole()))
    edits = st.sampled_from(["keep", "upper", "star-tail", "star-head", "qmark", "service-star"])

    def mutate(pair: tuple[str, str]) -> str:
        name, how = pair
        prefix, _, action = name.partition(":")
        return {
            "keep": name,
            "upper": name.upper(),
            "star-tail": name[: max(len(prefix) + 1, len(name) - 3)] + "*",
            "star-head": "*" + name[len(prefix) + 2 :],
            "qmark": name.replace("e", "?"),
            "service-star": prefix[:-1] + "*:" + action[:3] + "*",
        }[how]

    fixed = st.sampled_from(["*", "*:*", "s3:*", "*:getobject", "nosuch:*", "s3", ":", "", "s3*"])
    return st.one_of(fixed, st.tuples(names, edits).map(mutate))


@settings(max_examples=150, deadline=None)
@given(pattern=_patterns())
def test_expand_names_the_same_actions_in_the_same_order(pattern: str) -> None:
    data = _iamdata.IamData.from_index(_index())  # fresh: nothing decoded yet
    assert [_row(i) for i in data.expand(pattern)] == _reference_expand(pattern)


def test_key_types_and_resource_lookups_match_the_snapshot() -> None:
    lazy = _iamdata.IamData.from_index(_index())
    whole = _iamdata.IamData(_snapshot())
    keys = [k for svc in _snapshot()["services"].values() for k in svc["c"]]
    keys += ["aws:PrincipalTag/TenantId", "kms:EncryptionContext:t", "nosuch:Key", "AWS:SOURCEIP"]
    for key in keys:
        assert lazy.key_type(key) == whole.key_type(key), key
    for prefix, svc in _snapshot()["services"].items():
        assert lazy.resource_formats(prefix) == {t: v[0] for t, v in svc["r"].items()}
        assert lazy.service_keys(prefix) == svc["c"]
        for rtype, (arn, rkeys) in svc["r"].items():
            assert lazy.resource_arn(prefix, rtype) == arn
            assert lazy.resource_keys(prefix, rtype) == tuple(rkeys)
    assert lazy.resource_formats("nosuch") == {}
    assert lazy.resource_arn("s3", "nosuch") is None


def test_a_lookup_decodes_only_the_services_it_names() -> None:
    data = _iamdata.IamData.from_index(_index())
    assert data.action("sqs:SendMessage") is not None
    assert len(data.expand("s3:Get*")) > 10
    assert data.key_type("dynamodb:LeadingKeys") == "ArrayOfString"
    assert set(data._loaded) == {"sqs", "s3"}


def _policyuniverse_names() -> frozenset[str]:
    from policyuniverse.expander_minimizer import all_permissions

    return frozenset(a.lower() for a in all_permissions)


def test_known_names_are_the_snapshot_and_policyuniverse() -> None:
    expected = frozenset(_whole()) | _policyuniverse_names()
    known = _iamdata.known_actions()
    assert known == expected
    assert len(known) == len(expected)
    assert known | {"x:y"} == expected | {"x:y"}
    only_old = sorted(_policyuniverse_names() - frozenset(_whole()))
    assert only_old  # names policyuniverse still has and the snapshot dropped
    for name in [*only_old[:50], "s3:getobject", "bedrock:applyguardrail"]:
        assert name in known
        assert _iamdata.is_known_action(name.upper())
    for name in ["S3:GetObject", "s3:nosuch", "nosuch:getobject", "", "s3", 3]:
        assert name not in known
    services = frozenset(a.partition(":")[0] for a in expected)
    assert _iamdata.known_services() == services
    assert "s3" in _iamdata.known_services()
    assert "S3" not in _iamdata.known_services()
    assert _iamdata.is_known_service("S3")
    assert not _iamdata.is_known_service("nosuch")
    for service in ("s3", "S3", "dynamodb", "account", "nosuch", ""):
        prefix = service.lower() + ":"
        assert _iamdata.service_actions(service) == tuple(
            sorted(a for a in expected if a.startswith(prefix))
        )


def test_data_sources_names_the_installed_policyuniverse() -> None:
    from importlib.metadata import version

    assert f"policyuniverse {version('policyuniverse')} (action names" in _iamdata.data_sources()


# -- parse_policy: the compiled schema first, jsonschema for the messages -------------------


def test_parse_policy_still_reports_every_problem_and_refuses_unknown_kinds() -> None:
    from policy_engine.errors import PolicyParseError

    bad = {"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "s3:GetObject"}}
    with pytest.raises(PolicyParseError) as info:
        parse_policy(bad, kind="identity", source="p.json")
    messages = [str(i) for i in info.value.issues]
    assert "$.Statement.Effect: `Effect` must be `Allow` or `Deny`" in messages
    assert any("`Resource` or `NotResource`" in m for m in messages)
    with pytest.raises(ValueError, match="unknown policy kind `nosuch`"):
        parse_policy({"Statement": []}, kind="nosuch")  # type: ignore[arg-type]
