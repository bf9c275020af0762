from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import Catalog, load_catalog
from policy_engine.errors import (
    InvalidTenantId,
    PolicyParseError,
    PolicySizeError,
    TemplateError,
    TenantOpacityError,
    UnknownTemplate,
    UnknownTier,
)
from policy_engine.model import dumps, policy_to_obj
from policy_engine.render import TENANT_MARKER, Renderer, substitute

Edit = Callable[[str, str, str], Path]
ORDERS = "session/orders.json.j2"
TENANT_LINE = '"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["{{ tenant }}"]},'


def test_render_tier_combines_session_templates(renderer: Renderer) -> None:
    policy = renderer.render_tier("acme-corp", "basic")
    sids = [s.sid for s in policy]
    assert sids == [
        "OrdersOwnPartition",
        "DocumentsOwnObjects",
        "DocumentsListOwnPrefix",
        "JobsOwnQueue",
        "SecretsOwnPath",
        "KeyOwnContext",
    ]
    text = dumps(policy, minify=True)
    assert '"dynamodb:LeadingKeys":["acme-corp"]' in text
    assert "arn:aws:s3:::saas-documents-111122223333/acme-corp/*" in text
    assert '"s3:prefix":["acme-corp/","acme-corp/*"]' in text
    assert TENANT_MARKER not in text


def test_render_one_template(renderer: Renderer) -> None:
    policy = renderer.render_template("globex", "premium", "premium-orders")
    assert policy.statements[0].resource == (
        "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-premium-orders-globex",
        "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-premium-orders-globex/index/*",
    )
    assert "dynamodb:Scan" in (policy.statements[0].action or ())


def test_role_templates_branch_on_tier_not_tenant(renderer: Renderer) -> None:
    basic = renderer.render_role_policies("basic")["role-tier"]
    premium = renderer.render_role_policies("premium")["role-tier"]
    assert "dynamodb:Scan" not in (basic.statements[0].action or ())
    assert "dynamodb:Scan" in (premium.statements[0].action or ())
    abac = renderer.render_role_policies("standard")["role-abac-reports"]
    assert abac.statements[0].resource == (
        "arn:aws:s3:::saas-reports-111122223333/${aws:PrincipalTag/TenantId}/*",
    )


def test_full_check_and_quick_check_agree(catalog: Catalog) -> None:
    quick, full = Renderer(catalog), Renderer(catalog, full_check=True)
    for tier in catalog.tiers:
        for tenant in ("acme", "a" * 32, "0-0"):
            assert quick.render_tier(tenant, tier) == full.render_tier(tenant, tier)


def test_symbolic_holes(renderer: Renderer) -> None:
    sym = renderer.symbolic("documents", "basic")
    assert sym.holes == (
        "$.Statement[0].Resource",
        '$.Statement[1].Condition.StringLike["s3:prefix"][0]',
        '$.Statement[1].Condition.StringLike["s3:prefix"][1]',
    )
    assert sym.resource_holes == ("$.Statement[0].Resource",)
    assert substitute(sym.document, "t1")["Statement"][0]["Resource"].endswith("/t1/*")


@pytest.mark.parametrize(
    "bad",
    [
        "acme*",
        "acme?",
        'a"b',
        "${aws:username}",
        "a/b",
        "a:b",
        "a\\b",
        " acme",
        "acme\n",
        "ACME",
        "",
        "a" * 33,
        "acmé",
        "\u4e2d\u6587\u540d",
        "{{ 7*7 }}",
    ],
)
def test_bad_tenant_ids_never_render(renderer: Renderer, bad: str) -> None:
    with pytest.raises(InvalidTenantId):
        renderer.render_tier(bad, "basic")
    with pytest.raises(InvalidTenantId):
        renderer.render_template(bad, "basic", "orders")


def test_unknown_tier_and_template(renderer: Renderer) -> None:
    with pytest.raises(UnknownTier):
        renderer.render_tier("acme", "gold")
    with pytest.raises(UnknownTemplate, match="tier `basic` defines"):
        renderer.render_template("acme", "basic", "premium-orders")


@pytest.mark.parametrize(
    ("replacement", "fragment"),
    [
        ('{% if tenant == "acme" %}{% endif %}' + TENANT_LINE, "comparing it"),
        ("{% if tenant %}{% endif %}" + TENANT_LINE, "testing its truth"),
        (TENANT_LINE.replace("{{ tenant }}", "{{ tenant | upper }}"), "applying `upper`"),
        (TENANT_LINE.replace("{{ tenant }}", "{{ tenant[0:2] }}"), "indexing or slicing"),
        (TENANT_LINE.replace("{{ tenant }}", "{{ tenant | length }}"), "applying `length`"),
        (TENANT_LINE.replace("{{ tenant }}", "{{ tenant.upper() }}"), "attribute `upper`"),
        (TENANT_LINE.replace("{{ tenant }}", "{{ tenant ~ '-x' }}"), "converting it to text"),
        (TENANT_LINE.replace("{{ tenant }}", "{{ tenant + '-x' }}"), "concatenation"),
        ("{% for c in tenant %}{% endfor %}" + TENANT_LINE, "iterating"),
        ("{% if 'a' in tenant %}{% endif %}" + TENANT_LINE, "searching"),
    ],
)
def test_templates_cannot_inspect_the_tenant(edit: Edit, replacement: str, fragment: str) -> None:
    root = edit(ORDERS, TENANT_LINE, replacement)
    with pytest.raises(TenantOpacityError) as info:
        Renderer(load_catalog(root)).render_tier("acme", "basic")
    assert fragment in str(info.value)
    assert info.value.template == ORDERS
    assert info.value.line == 19


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ('"Sid": "OrdersOwnPartition"', '"Sid": "Orders{{ tenant }}"', "may not appear in `Sid`"),
        ('"dynamodb:GetItem"', '"dynamodb:{{ tenant }}"', "may not appear in `Action`"),
        ('{"dynamodb:LeadingKeys"', '{"{{ tenant }}"', "object key"),
        ('["{{ tenant }}"]', "[{{ tenant }}]", "must stand inside a JSON string"),
    ],
)
def test_tenant_only_inside_value_strings(edit: Edit, old: str, new: str, fragment: str) -> None:
    root = edit(ORDERS, old, new)
    with pytest.raises(TemplateError) as info:
        Renderer(load_catalog(root)).render_tier("acme", "basic")
    assert fragment in str(info.value)


def test_syntax_error_names_file_and_line(edit: Edit) -> None:
    root = edit(ORDERS, '"Sid": "OrdersOwnPartition",', '"Sid": "{% if %}",')
    with pytest.raises(TemplateError) as info:
        Renderer(load_catalog(root)).render_tier("acme", "basic")
    assert info.value.template == ORDERS
    assert info.value.line == 5
    assert str(info.value).startswith(f"{ORDERS}:5: template syntax error")


def test_missing_constant_names_file_line_and_fix(edit: Edit) -> None:
    root = edit(ORDERS, "{{ orders_table }}", "{{ orders_tabel }}")
    with pytest.raises(TemplateError) as info:
        Renderer(load_catalog(root)).render_tier("acme", "basic")
    assert info.value.line == 17
    assert "'orders_tabel' is undefined" in str(info.value)
    assert "[constants]" in str(info.value)


def test_template_that_renders_invalid_json(edit: Edit) -> None:
    root = edit(ORDERS, '"Effect": "Allow",', '"Effect": "Allow"')
    with pytest.raises(TemplateError, match="rendered output is not valid JSON"):
        Renderer(load_catalog(root)).render_tier("acme", "basic")


def test_template_that_renders_an_invalid_policy(edit: Edit) -> None:
    root = edit(ORDERS, '"Effect": "Allow",', '"Effect": "Permit",')
    with pytest.raises(PolicyParseError) as info:
        Renderer(load_catalog(root)).render_tier("acme", "basic")
    assert info.value.issues[0].path == "$.Statement[0].Effect"
    assert info.value.source == ORDERS


def test_constants_are_json_escaped(edit: Edit) -> None:
    root = edit("catalog.toml", 'orders_table = "saas-orders"', 'orders_table = "a\\"b"')
    policy = Renderer(load_catalog(root)).render_template("acme", "basic", "orders")
    assert policy.statements[0].resource == ('arn:aws:dynamodb:eu-west-1:111122223333:table/a"b',)


def test_session_policy_over_2048_characters(edit: Edit) -> None:
    long_name = "t" * 400
    root = edit("catalog.toml", 'orders_table = "saas-orders"', f'orders_table = "{long_name}"')
    edit(
        ORDERS,
        '"Resource": "arn',
        '"Resource": ["arn:aws:s3:::{{ orders_table }}/1", '
        '"arn:aws:s3:::{{ orders_table }}/2", "arn:aws:s3:::{{ orders_table }}/3", "arn',
    )
    edit(ORDERS, '{{ orders_table }}",\n', '{{ orders_table }}"],\n')
    renderer = Renderer(load_catalog(root))
    with pytest.raises(PolicySizeError) as info:
        renderer.render_tier("acme", "basic")
    assert info.value.limit == 2048
    assert info.value.size > 2048
    assert "over the AWS limit of 2048" in str(info.value)


def test_size_counts_the_tenant(catalog: Catalog) -> None:
    renderer = Renderer(catalog)
    sym = renderer.symbolic_tier("standard")
    for tenant in ("abc", "a" * 32):
        expected = len(dumps(renderer.render_tier(tenant, "standard"), minify=True))
        assert sym.minified_size + sym.marker_count * len(tenant) == expected


def test_role_template_may_not_use_tenant(edit: Edit) -> None:
    root = edit("role/abac-reports.json.j2", "${aws:PrincipalTag/TenantId}", "{{ tenant }}")
    with pytest.raises(TemplateError, match="role template may not use"):
        Renderer(load_catalog(root)).render_role_policies("standard")


def test_duplicate_sid_across_templates(edit: Edit) -> None:
    root = edit("session/jobs.json.j2", '"Sid": "JobsOwnQueue"', '"Sid": "SecretsOwnPath"')
    with pytest.raises(TemplateError, match="Sid `SecretsOwnPath` is also used"):
        Renderer(load_catalog(root)).render_tier("acme", "basic")


def test_round_trip_of_rendered_policy(renderer: Renderer) -> None:
    policy = renderer.render_tier("acme", "standard")
    assert json.loads(dumps(policy)) == policy_to_obj(policy)
