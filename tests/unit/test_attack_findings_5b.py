"""Attack review 5 of the isolation proof (DynamoDB shapes), and the stage the reports
name.

1. A global secondary index has its own partition key: `dynamodb:LeadingKeys` on a
   Query of it is that key's value, not the tenant's. Before, every index of a pooled
   table was read as partitioned by the tenant.
2. A Number partition key is normalised: `0042` and `42` are one item collection.
   Before, distinct strings were distinct partitions whatever the key type.

Each leaky test first shows with the project's evaluator, independently of the
checker, that the request is allowed; then that the tier is never `proved`. Each has
a sound twin the proof must still prove.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import LANG, LEADING, TABLE, allowed, check, doc, orders, shown, stmt

from policy_engine.catalog import ResourceSpec, load_catalog
from policy_engine.cli import run
from policy_engine.errors import CatalogError
from policy_engine.isolation._numbers import number_facts, twin
from policy_engine.render import TENANT_MARKER as T
from policy_engine.tenancy import TenantIdLanguage

TAG = "${aws:PrincipalTag/TenantId}"
OWN_KEY = {
    "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [T]},
    "Null": {"dynamodb:LeadingKeys": "false"},
}


def keyed(resource: Any, actions: Any = ("dynamodb:GetItem", "dynamodb:Query")) -> dict[str, Any]:
    s = stmt(list(actions), resource)
    s["Condition"] = OWN_KEY
    return s


Edit = Callable[[Callable[[str], str]], Path]


# -- 1: global secondary indexes -------------------------------------------------------

INDEX = TABLE + "/index/by-partner"


def test_gsi_query_with_the_tenants_own_leading_key_is_not_proved() -> None:
    # The reviewer's case: `index/*` with the tenant's own leading key; the GSI
    # `by-partner` is keyed on partner_id, so acme's Query reads every tenant's orders
    # placed with partner acme.
    session = doc(keyed([TABLE, TABLE + "/index/*"]))
    assert allowed(session, "acme", "dynamodb:Query", INDEX, {"dynamodb:LeadingKeys": ["acme"]})
    result = check(session, [orders()])
    assert result.status == "unknown", shown(result)
    (unknown,) = result.unknown
    assert "[resources.orders.indexes]" in unknown.construct
    assert "global-tenant-key" in unknown.construct
    assert unknown.statement is not None
    assert unknown.statement.policy == "session"


def test_the_unknown_of_an_undeclared_index_names_the_index() -> None:
    # A grant on every index: the unknown says "any index", not `table/orders/index/`
    # (the shortest ARN the grant allows, with no index name). A grant on one index:
    # the unknown names it.
    (unknown,) = check(doc(keyed([TABLE, TABLE + "/index/*"])), [orders()]).unknown
    assert f"on any index of `{TABLE}` (`{TABLE}/index/*`) is allowed" in unknown.construct
    assert "/index/`" not in unknown.construct
    (unknown,) = check(doc(keyed([TABLE, INDEX])), [orders()]).unknown
    assert f"on `{INDEX}` is allowed" in unknown.construct


def test_declared_other_key_gsi_is_a_violation() -> None:
    # Variant: the grant names the index, which the catalogue declares keyed on another
    # attribute: every request on it reaches every tenant's items.
    session = doc(keyed([TABLE, INDEX]))
    model = [orders(indexes=(("by-partner", "global-other-key"),))]
    result = check(session, model)
    assert result.status == "violation", shown(result)
    cx = result.violations[0]
    assert cx.resource == INDEX
    assert cx.kind == "key-less"
    assert allowed(session, cx.tenant_a, cx.action, cx.resource, cx.context)


def test_table_subtree_grant_reaches_an_undeclared_index() -> None:
    # Variant: `table/orders/*` (not `index/*`), the key condition in the role only and
    # the session granting the table's subtree unconditionally for Query.
    role = doc(keyed([TABLE, TABLE + "/*"], ["dynamodb:Query"]))
    role["Statement"][0]["Condition"] = json.loads(
        json.dumps(OWN_KEY, ensure_ascii=False).replace(T, TAG)
    )
    session = doc(stmt("dynamodb:Query", [TABLE, TABLE + "/*"]), keyed(TABLE))
    assert allowed(
        session, "acme", "dynamodb:Query", INDEX, {"dynamodb:LeadingKeys": ["acme"]}, roles=[role]
    )
    result = check(session, [orders(indexes=(("by-date", "local"),))], roles=(role,))
    assert result.status != "proved", shown(result)
    assert any("declare it under" in u.construct for u in result.unknown), shown(result)


def test_index_without_a_tenant_condition_is_a_violation_even_when_undeclared() -> None:
    session = doc(stmt("dynamodb:Query", [TABLE + "/index/*"]))
    result = check(session, [orders()])
    assert result.status == "violation", shown(result)


@pytest.mark.parametrize(
    ("name", "kind"), [("by-date", "local"), ("by-status", "global-tenant-key")]
)
def test_indexes_keyed_by_the_tenant_are_proved(name: str, kind: str) -> None:
    # Sound twin: a local index, or a global one keyed on the table's partition key
    # attribute, declared and named by the grant (another index declared other-keyed).
    index = f"{TABLE}/index/{name}"
    session = doc(keyed([TABLE, index]))
    model = [orders(indexes=((name, kind), ("by-partner", "global-other-key")))]
    assert allowed(session, "acme", "dynamodb:Query", index, {"dynamodb:LeadingKeys": ["acme"]})
    assert not allowed(
        session, "acme", "dynamodb:Query", index, {"dynamodb:LeadingKeys": ["globex"]}
    )
    result = check(session, model)
    assert result.status == "proved", shown(result)


def test_a_wildcard_over_declared_indexes_still_names_undeclared_ones() -> None:
    # `by-*` matches the two declared tenant-keyed indexes and any index added later.
    session = doc(keyed([TABLE, TABLE + "/index/by-*"]))
    model = [orders(indexes=(("by-date", "local"), ("by-status", "global-tenant-key")))]
    assert check(session, model).status == "unknown"


# -- catalogue: the declarations -------------------------------------------------------


def _catalogue(catalogue_copy: Edit, extra: str, resource: str = "orders") -> Path:
    def add(text: str) -> str:
        anchor = f"[resources.{resource}]\n"
        assert anchor in text
        return text.replace(anchor, anchor + extra + "\n", 1)

    return catalogue_copy(add)


def test_catalogue_reads_index_and_key_type_declarations(catalogue_copy: Edit) -> None:
    root = _catalogue(
        catalogue_copy,
        'partition_key_type = "S"\n'
        'indexes = { by-date = "local", by-partner = "global-other-key" }',
    )
    res = load_catalog(root).resources["orders"]
    assert res.indexes == (("by-date", "local"), ("by-partner", "global-other-key"))
    assert res.tenant_indexes() == ("by-date",)
    assert res.partition_key_type == "S"


@pytest.mark.parametrize(
    ("extra", "resource", "words", "path"),
    [
        ('indexes = { by-date = "local" }', "documents", "pooled DynamoDB table", "indexes"),
        ('partition_key_type = "N"', "premium_orders", "pooled DynamoDB table", "key_type"),
        ('indexes = { by-date = "global" }', "orders", "global-tenant-key", "indexes"),
        ('indexes = { "a b" = "local" }', "orders", "index name", "indexes"),
        ('partition_key_type = "B"', "orders", "binary keys are not modelled", "key_type"),
    ],
)
def test_catalogue_refuses_bad_declarations(
    catalogue_copy: Edit, extra: str, resource: str, words: str, path: str
) -> None:
    root = _catalogue(catalogue_copy, extra, resource)
    with pytest.raises(CatalogError, match=words) as info:
        load_catalog(root)
    assert path in (info.value.key_path or "")


# -- 2: Number partition keys ----------------------------------------------------------

LEDGER = "arn:aws:dynamodb:eu-west-1:111122223333:table/ledger"


def digits(pattern: str, alphabet: tuple[str, ...] = ("0-9",)) -> TenantIdLanguage:
    spec = {"alphabet": list(alphabet), "min_length": 1, "max_length": 10, "pattern": pattern}
    return TenantIdLanguage.from_spec(spec)


ANY_DIGITS = digits("[0-9]+")
CANONICAL = digits("0|[1-9][0-9]*")


def allowed_n(session: dict[str, Any], tenant: str, language: TenantIdLanguage, value: str) -> bool:
    """The evaluator's decision on tenant ``tenant``'s Query of the ledger with leading
    key ``value`` (its session named in ``language``)."""
    context = {"dynamodb:LeadingKeys": [value]}
    return allowed(session, tenant, "dynamodb:Query", LEDGER, context, language=language)


def ledger(key_type: Any = None) -> ResourceSpec:
    return ResourceSpec("ledger", "dynamodb", LEDGER, (LEADING,), partition_key_type=key_type)


def ledger_grant(values: list[str], op: str = "ForAllValues:StringEquals") -> dict[str, Any]:
    s = stmt(["dynamodb:GetItem", "dynamodb:Query"], LEDGER)
    s["Condition"] = {
        op: {"dynamodb:LeadingKeys": values},
        "Null": {"dynamodb:LeadingKeys": "false"},
    }
    return s


def test_undeclared_key_type_with_non_canonical_numeric_ids_is_unknown() -> None:
    # The reviewer's case: `0042` and `42` are two tenants; the request is the tenant's
    # own leading key, which a Number key reads as `42`.
    session = doc(ledger_grant([T]))
    assert ANY_DIGITS.is_valid("0042")
    assert ANY_DIGITS.is_valid("42")
    assert allowed_n(session, "0042", ANY_DIGITS, "0042")
    result = check(session, [ledger()], language=ANY_DIGITS)
    assert result.status == "unknown", shown(result)
    assert all("partition_key_type" in u.construct for u in result.unknown)


def test_number_key_with_two_ids_of_one_value_is_a_violation() -> None:
    session = doc(ledger_grant([T]))
    result = check(session, [ledger("N")], language=ANY_DIGITS)
    assert result.status == "violation", shown(result)
    cx = result.violations[0]
    assert cx.tenant_b is not None
    assert cx.tenant_a != cx.tenant_b
    assert ANY_DIGITS.is_valid(cx.tenant_a)
    assert ANY_DIGITS.is_valid(cx.tenant_b)
    assert Decimal(cx.tenant_a) == Decimal(cx.tenant_b)
    (sent,) = cx.context["dynamodb:LeadingKeys"]
    assert allowed_n(session, cx.tenant_a, ANY_DIGITS, sent)


def test_number_key_grant_of_a_non_canonical_value_is_not_proved() -> None:
    # Variant: canonical tenant IDs, but the grant also admits values starting with `0`
    # (`07` is tenant `7` as a Number); and one admitting `{tenant}.0`.
    session = doc(ledger_grant([T, "0*"], "ForAllValues:StringLike"))
    assert allowed_n(session, "12", CANONICAL, "07")
    result = check(session, [ledger("N")], language=CANONICAL)
    assert result.status == "violation", shown(result)
    padded = doc(ledger_grant([T + ".0"], "ForAllValues:StringLike"))
    assert allowed_n(padded, "12", CANONICAL, "12.0")
    assert check(padded, [ledger("N")], language=CANONICAL).status == "unknown"


def test_number_key_canonical_value_of_a_padded_tenant_is_a_violation() -> None:
    # Variant: every tenant ID has a leading zero; a grant of the literal `42` (no
    # tenant's string) is tenant `042`'s number. No non-canonical value is granted.
    padded = digits("0[0-9]+")
    session = doc(ledger_grant(["42"]))
    assert not padded.is_valid("42")
    assert allowed_n(session, "0007", padded, "42")
    result = check(session, [ledger("N")], language=padded)
    assert result.status == "violation", shown(result)
    cx = result.violations[0]
    assert cx.tenant_b == "042"
    assert check(session, [ledger("S")], language=padded).status == "proved"


@pytest.mark.parametrize(
    ("language", "key_type"),
    [
        (CANONICAL, "N"),  # a Number key, canonical IDs, the tenant's own value only
        (CANONICAL, None),  # undeclared: canonical IDs are distinct numbers too
        (ANY_DIGITS, "S"),  # declared a String: `0042` and `42` are distinct
        (LANG, None),  # letters allowed: the default String key
    ],
)
def test_number_key_sound_twins_are_proved(language: TenantIdLanguage, key_type: Any) -> None:
    session = doc(ledger_grant([T]))
    result = check(session, [ledger(key_type)], language=language)
    assert result.status == "proved", shown(result)


def test_number_facts_on_the_automaton() -> None:
    facts = number_facts(ANY_DIGITS)
    assert facts.numbers_only
    assert facts.non_canonical is not None
    assert facts.twin is not None
    assert Decimal(facts.non_canonical) == Decimal(facts.twin)
    assert facts.non_canonical != facts.twin
    assert number_facts(CANONICAL).non_canonical is None
    mixed = number_facts(LANG)
    assert not mixed.numbers_only
    assert mixed.not_a_number is not None
    decimals = digits(r"[1-9][0-9]*\.[0-9]+", ("0-9", "."))
    assert number_facts(decimals).non_canonical is not None  # `1.0`, `1.50`
    assert twin("1.50", decimals) == "1.5" or twin("1.50", decimals) == "1.500"
    assert twin("0042", ANY_DIGITS) == "42"


# -- 3: the stage a report covers ------------------------------------------------------

STAGES = """
[stages.prod]
[stages.prod.constants]
account_id = "999988887777"
[stages.dev]
[stages.dev.constants]
region = "eu-central-1"
"""


def cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue()


@pytest.fixture
def staged(catalogue_copy: Edit) -> Path:
    return catalogue_copy(lambda text: text + STAGES)


def test_check_isolation_names_the_stage(staged: Path) -> None:
    code, out = cli(
        "check-isolation", "--catalog", str(staged), "--stage", "prod", "--tier", "basic"
    )
    assert code == 0
    assert out.splitlines()[0].startswith("stage `prod` (of `dev`, `prod`)")
    code, out = cli(
        "check-isolation", "--catalog", str(staged), "--tier", "basic", "--format", "json"
    )
    data = json.loads(out)
    assert data["stage"] is None
    assert data["stages"] == ["dev", "prod"]
    code, out = cli("check-isolation", "--tier", "basic", "--format", "json")
    assert "stage" not in json.loads(out)  # a catalogue without stages: no stage


def test_lint_names_the_stage(staged: Path) -> None:
    _, text = cli("lint", str(staged), "--stage", "dev")
    assert "  stage `dev` (of `dev`, `prod`): results hold for this stage only" in text
    _, sarif = cli("lint", str(staged), "--stage", "dev", "--format", "sarif")
    run_ = json.loads(sarif)["runs"][0]
    assert run_["properties"]["summary"]["catalogues"][0]["stage"] == "dev"
    notes = [n["message"]["text"] for n in run_["invocations"][0]["toolExecutionNotifications"]]
    assert any(n.startswith("stage `dev`") for n in notes)
    _, plain = cli("lint", str(staged))
    assert "no stage selected: the base [constants] only" in plain
    _, bundled = cli("lint", "--format", "json")
    assert "stage" not in json.loads(bundled)["summary"]["catalogues"][0]
