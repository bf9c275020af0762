"""The generated files the package ships stay equal to their sources, and the lazy
per-service action data answers exactly as the whole snapshot does."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine import _fastschema, _iamdata
from policy_engine._iamindex import (
    INDEX_FILE,
    MAGIC,
    ActionIndex,
    ActionIndexError,
    ExtraNames,
    build_index,
)
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
    installed = _iamdata.installed_policyuniverse()
    data = build_index(_snapshot(), installed)
    rebuilt = ActionIndex(data)
    shipped = _index()
    assert rebuilt.meta == shipped.meta
    assert rebuilt.prefixes == shipped.prefixes
    assert rebuilt.key_types() == shipped.key_types()
    for prefix in ("s3", "dynamodb", shipped.prefixes[0], shipped.prefixes[-1]):
        assert rebuilt.service(prefix) == shipped.service(prefix)
    assert shipped.extra_source == "policyuniverse"
    assert shipped.extra_version == installed.version, (
        f"the index records policyuniverse {shipped.extra_version}, {installed.version} is "
        "installed: run `python scripts/build_generated.py`"
    )
    assert (PACKAGE / INDEX_FILE).read_bytes() == data  # byte for byte


def test_the_shipped_extra_names_are_policyuniverses_the_snapshot_lacks() -> None:
    installed = _iamdata.installed_policyuniverse()
    expected = _policyuniverse_names() - frozenset(_whole())
    extra = _index().extra_names()
    assert extra == expected
    assert len(extra) > 100  # names the snapshot dropped (account:getchallengequestions...)
    assert _index().extra_version == installed.version
    header = json.loads(
        (PACKAGE / INDEX_FILE).read_bytes()[len(MAGIC) :].split(b"\n", 1)[0].decode()
    )
    assert header["extra_names"]["count"] == len(expected)


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


_EXTRA = ExtraNames("test-source", "1.0", ["s3:GetObject", "S3:OldAction", "gone:Thing"])


def test_damaged_indexes_are_refused_with_the_reason() -> None:
    good = build_index(
        {
            "meta": {"source": "test"},
            "services": {"s3": {"a": {"GetObject": ["R", [], []]}, "r": {}, "c": {}}},
        },
        _EXTRA,
    )
    assert ActionIndex(good).service("s3") == {"a": {"GetObject": ["R", [], []]}, "r": {}, "c": {}}
    # the extra names: lower case, less the snapshot's, with their source and version
    assert ActionIndex(good).extra_names() == {"s3:oldaction", "gone:thing"}
    assert (ActionIndex(good).extra_source, ActionIndex(good).extra_version) == (
        "test-source",
        "1.0",
    )
    with pytest.raises(ActionIndexError, match="does not start with the format line"):
        ActionIndex(good.replace(b"action index 2", b"action index 1", 1))  # the old format
    head, body = good.split(b"\n", 2)[1:]
    header = json.loads(head)
    del header["extra_names"]
    with pytest.raises(ActionIndexError, match="header is unreadable"):
        ActionIndex(MAGIC + json.dumps(header).encode() + b"\n" + body)
    header = json.loads(head)
    blob = zlib.compress(b'{"s3:x": 1}')
    header["extra_names"]["span"] = [len(body), len(blob)]
    with pytest.raises(ActionIndexError, match="extra action names are not a list"):
        ActionIndex(MAGIC + json.dumps(header).encode() + b"\n" + body + blob).extra_names()
    with pytest.raises(ActionIndexError, match="does not start with the format line"):
        ActionIndex(b"{}" + good)
    with pytest.raises(ActionIndexError, match="header line is cut off"):
        ActionIndex(MAGIC + b'{"meta": {}')
    with pytest.raises(ActionIndexError, match="header is unreadable"):
        ActionIndex(MAGIC + b'{"meta": {}}\n')
    with pytest.raises(ActionIndexError, match="service `s3` lies outside the file"):
        ActionIndex(good[: good.index(b"\n", len(MAGIC)) + 5]).service("s3")
    with pytest.raises(ActionIndexError, match="the extra action names lies outside the file"):
        ActionIndex(good[:-5]).extra_names()  # the last blob
    body = good.index(b"\n", len(MAGIC)) + 1
    flipped = good[:body] + bytes([good[body] ^ 0xFF]) + good[body + 1 :]
    with pytest.raises(ActionIndexError, match="service `s3` does not decode"):
        ActionIndex(flipped).service("s3")
    with pytest.raises(ActionIndexError, match="cannot read the action index"):
        ActionIndex.read("/nonexistent/iam_index.bin")


def test_a_prefix_a_lookup_could_not_reach_is_refused() -> None:
    with pytest.raises(ActionIndexError, match="`S3` is not lower case"):
        build_index({"meta": {}, "services": {"S3": {"a": {}, "r": {}, "c": {}}}}, _EXTRA)


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


# -- policyuniverse: its names from the index, imported only for another version ----------


def _fresh(code: str) -> list[Any]:
    """What ``code`` prints (a JSON value per line), run in a new interpreter (fresh
    caches and modules)."""
    out = subprocess.run(
        [sys.executable, "-c", "import json, sys\n" + code],
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in out.stdout.splitlines()]


_KNOWN = """
from policy_engine import _iamdata
known = _iamdata.known_actions()
print(json.dumps([
    sorted(known), sorted(_iamdata.known_services()), _iamdata.service_actions("account"),
    _iamdata.data_sources(), "policyuniverse" in sys.modules,
]))
"""


def test_a_misspelt_action_is_hinted_without_importing_policyuniverse(tmp_path: Path) -> None:
    typo = tmp_path / "typo.json"
    typo.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"},
                    {"Effect": "Allow", "Action": "account:GetChallengeQuestion", "Resource": "*"},
                ],
            }
        ),
        encoding="utf-8",
    )
    code = (
        "import io\nfrom policy_engine.cli import run\nout = io.StringIO()\n"
        f"code = run(['lint', {str(typo)!r}], out, io.StringIO())\n"
        "print(json.dumps([code, out.getvalue(), 'policyuniverse' in sys.modules]))\n"
    )
    ((code, report, imported),) = _fresh(code)
    assert code == 1
    assert "did you mean `s3:getobject`?" in report.lower()
    # a name only policyuniverse knows, read from the index
    assert "did you mean `account:getchallengequestions`?" in report.lower()
    assert imported is False
    ((names, services, account, sources, imported),) = _fresh(_KNOWN)
    assert imported is False
    expected = frozenset(_whole()) | _policyuniverse_names()
    assert names == sorted(expected)
    assert services == sorted({n.partition(":")[0] for n in expected})
    assert account == [n for n in sorted(expected) if n.startswith("account:")]
    assert sources == _iamdata.data_sources()


def test_another_installed_version_is_imported_and_its_names_used() -> None:
    """An installed policyuniverse of another version than the index recorded, which
    knows a name the recorded list lacks: its names are the ones used (never fewer
    than it knows), imported (the extra name can only come from the import)."""
    fake = """
import types
from policyuniverse.expander_minimizer import all_permissions
fake = types.ModuleType("policyuniverse.expander_minimizer")
fake.all_permissions = {*all_permissions, "newsvc:NewAction"}
sys.modules["policyuniverse.expander_minimizer"] = fake
from policy_engine import _iamdata
_iamdata._policyuniverse_version = lambda: "99.0"
"""
    ((names, services, _, sources, _),) = _fresh(fake + _KNOWN)
    expected = frozenset(_whole()) | _policyuniverse_names() | {"newsvc:newaction"}
    assert names == sorted(expected)
    assert "newsvc" in services
    assert "policyuniverse 99.0 (action names only)" in sources


def test_a_distribution_that_is_not_installed_has_no_version() -> None:
    assert _iamdata._distribution_version("policy-engine-no-such-distribution") is None
    assert _iamdata._distribution_version("policyuniverse") == (
        _iamdata.installed_policyuniverse().version
    )


def test_without_policyuniverse_the_recorded_names_are_used() -> None:
    absent = """
sys.modules["policyuniverse"] = None  # any import of it fails
from policy_engine import _iamdata
_iamdata._policyuniverse_version = lambda: None
"""
    ((names, _, _, sources, _),) = _fresh(absent + _KNOWN)
    assert names == sorted(frozenset(_whole()) | _policyuniverse_names())
    assert f"policyuniverse {_index().extra_version} (action names only, as recorded)" in sources


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
