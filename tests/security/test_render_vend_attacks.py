"""The attacks on rendering and vending that must be refused, in one table each,
beside legitimate neighbours that must still work (so no refusal is vacuous).

Each hostile template goes into the bundled catalogue's ``orders`` template as the
policy ``Id`` (line 3 of the file), so every refusal must name that template and line.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.errors import CatalogError, InvalidTenantId, TemplateError
from policy_engine.lint import lint_catalog, render_report, rule_catalogue
from policy_engine.render import Renderer
from policy_engine.tenancy import session_name
from policy_engine.vend import CredentialVendor, StsThrottled

ORDERS = "session/orders.json.j2"
VERSION_LINE = '"Version": "2012-10-17",'
SECRET = "TOPSECRET-outside-the-catalogue"
BIG = 100_000_000


def with_id(root: Path, expression: str) -> Path:
    """Put ``"Id": "<expression>"`` on a line of its own (line 3) of the orders template."""
    path = root / ORDERS
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(VERSION_LINE, f'{VERSION_LINE}\n  "Id": "{expression}",', 1),
        encoding="utf-8",
    )
    return root


def render_id(root: Path) -> str:
    policy = Renderer(load_catalog(root)).render_template("acme", "basic", "orders")
    assert policy.id is not None
    return policy.id


# -- template resource exhaustion and tenant opacity ---------------------------------

HOSTILE_TEMPLATES = [
    ("string times int", f'{{{{ "x" * {BIG} }}}}', "100,000,000 characters"),
    ("int times string", f'{{{{ {BIG} * "x" }}}}', "characters"),
    ("list times int", f"{{{{ ([1, 2] * {BIG}) | length }}}}", "items"),
    ("huge power", "{{ 10 ** 100000000 }}", "bits"),
    ("power of a big base", "{{ (10 ** 400) ** 20 }}", "bits"),
    ("int product growth", "{{ (10 ** 1000) * (10 ** 1000) }}", "bits"),
    ("printf width", f'{{{{ "%{BIG}d" % 1 }}}}', "width"),
    ("printf star width", f'{{{{ "%*d" % ({BIG}, 1) }}}}', "`*` width"),
    ("str.format width", f'{{{{ "{{:>{BIG}}}".format(1) }}}}', "width"),
    ("str.format nested width", f'{{{{ "{{:{{w}}}}".format(1, w={BIG}) }}}}', "nested"),
    ("str.ljust", f'{{{{ "x".ljust({BIG}) }}}}', "`str.ljust`"),
    ("str.center", f'{{{{ "x".center({BIG}) }}}}', "`str.center`"),
    ("str.zfill", f'{{{{ "1".zfill({BIG}) }}}}', "`str.zfill`"),
    ("str.expandtabs", f'{{{{ "\\t".expandtabs({BIG}) }}}}', "`str.expandtabs`"),
    ("str.replace growth", '{{ ("x" * 60000).replace("x", "xyz") }}', "`str.replace`"),
    ("str.replace empty", '{{ "ab".replace("", "x" * 60000) }}', "`str.replace`"),
    ("str.join growth", '{{ ("x" * 60000).join(["a", "b", "c"]) }}', "`str.join`"),
    ("filter center", f'{{{{ "x" | center({BIG}) }}}}', "`center`"),
    ("filter indent", '{{ ("\\n" * 60000) | indent(60000) }}', "`indent`"),
    ("filter format", f'{{{{ "%{BIG}d" | format(1) }}}}', "`format`"),
    ("filter replace", '{{ ("x" * 60000) | replace("x", "xyz") }}', "`replace`"),
    ("filter join", "{{ range(60000) | join(',') }}", "items"),
    ("filter list", "{{ range(60000) | list | length }}", "items"),
    ("filter tojson indent", f"{{{{ [1] | tojson(indent={BIG}) }}}}", "indent"),
    (
        "namespace doubling in a loop",
        '{% set ns = namespace(a="x") %}{% for i in range(64) %}'
        "{% set ns.a = ns.a ~ ns.a %}{% endfor %}{{ ns.a | length }}",
        "assigning `a`",
    ),
    (
        "concatenation of two big strings",
        '{% set a = "x" * 60000 %}{{ (a + a) | length }}',
        "characters",
    ),
    (
        "macro that doubles its argument",
        '{% macro f(s) %}{{ f(s ~ s) }}{% endmacro %}{{ f("x") }}',
        "macro `f`",
    ),
    (
        "output larger than any policy",
        '{% for i in range(100) %}{{ "x" * 60000 }}{% endfor %}',
        "the output",
    ),
    ("tenant into a builtin", "{{ dict(t=tenant) }}", "passing it to `dict`"),
    ("tenant into a method", '{{ "{}".format(tenant) }}', "passing it to `str.format`"),
    ("tenant into a filter", "{{ tenant | string }}", "applying `string`"),
    ("tenant in arithmetic", "{{ tenant * 2 }}", "arithmetic or concatenation"),
]


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [pytest.param(e, f, id=name) for name, e, f in HOSTILE_TEMPLATES],
)
def test_hostile_template_is_refused_with_where_and_what(
    catalog_copy: Path, expression: str, fragment: str
) -> None:
    root = with_id(catalog_copy, expression)
    with pytest.raises(TemplateError) as info:
        render_id(root)
    assert fragment in str(info.value)
    assert info.value.template == ORDERS
    assert info.value.line == 3


LEGITIMATE_TEMPLATES = [
    ("small string repeat", '{{ "ab" * 3 }}', "ababab"),
    ("small power", "{{ 2 ** 10 }}", "1024"),
    ("printf", '{{ "%05d" % 7 }}', "00007"),
    ("str.format", '{{ "{:>4}".format("x") }}', "   x"),
    ("join", "{{ ['a', 'b'] | join('-') }}", "a-b"),
    ("replace", "{{ 'a.b' | replace('.', '-') }}", "a-b"),
    ("a call with no tenant", "{{ 'abc'.upper() }}-{{ range(3) | list | length }}", "ABC-3"),
    (
        "namespace within bounds",
        '{% set ns = namespace(a="x") %}{% set ns.a = ns.a ~ "y" %}{{ ns.a }}',
        "xy",
    ),
]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [pytest.param(e, x, id=name) for name, e, x in LEGITIMATE_TEMPLATES],
)
def test_legitimate_template_still_renders(
    catalog_copy: Path, expression: str, expected: str
) -> None:
    assert render_id(with_id(catalog_copy, expression)) == expected


def test_a_macro_may_take_the_tenant(catalog_copy: Path) -> None:
    path = catalog_copy / ORDERS
    text = path.read_text(encoding="utf-8")
    path.write_text(
        "{% macro own(t) %}{{ t }}{% endmacro %}"
        + text.replace('["{{ tenant }}"]', '["{{ own(tenant) }}"]'),
        encoding="utf-8",
    )
    renderer = Renderer(load_catalog(catalog_copy))
    assert renderer.render_tier("acme", "basic") == Renderer(load_catalog()).render_tier(
        "acme", "basic"
    )


# -- template loads: symlinks and paths out of the catalogue -------------------------


def _outside(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    return outside


def _file_link(root: Path, outside: Path) -> str:
    os.symlink(outside / "secret.txt", root / "session" / "evil.j2")
    return "session/evil.j2"


def _dir_link(root: Path, outside: Path) -> str:
    os.symlink(outside, root / "session" / "evil-dir")
    return "session/evil-dir/secret.txt"


def _chained_link(root: Path, outside: Path) -> str:
    os.symlink(outside / "secret.txt", root / "hop")
    os.symlink(root / "hop", root / "session" / "evil.j2")
    return "session/evil.j2"


HOSTILE_LOADS = [
    ("include via file symlink", "include", _file_link, "leaves the catalogue"),
    ("include via folder symlink", "include", _dir_link, "leaves the catalogue"),
    ("include via chained symlinks", "include", _chained_link, "leaves the catalogue"),
    ("import via file symlink", "import", _file_link, "leaves the catalogue"),
    ("include with ..", "include", lambda r, o: "../outside/secret.txt", "`..`"),
    ("include of an absolute path", "include", lambda r, o: str(o / "secret.txt"), "relative"),
]


@pytest.mark.parametrize(
    ("statement", "layout", "fragment"),
    [pytest.param(s, lay, f, id=name) for name, s, lay, f in HOSTILE_LOADS],
)
def test_template_loads_outside_the_catalogue_are_refused(
    tmp_path: Path, catalog_copy: Path, statement: str, layout: Any, fragment: str
) -> None:
    name = layout(catalog_copy, _outside(tmp_path))
    tag = f'{{% include "{name}" %}}' if statement == "include" else f'{{% import "{name}" as m %}}'
    root = with_id(catalog_copy, tag)
    with pytest.raises(TemplateError) as info:
        render_id(root)
    assert fragment in str(info.value)
    assert SECRET not in str(info.value)
    assert info.value.template == ORDERS
    assert info.value.line == 3
    # and the lint reports the refusal without the file's content, in every format
    findings = lint_catalog(load_catalog(root), isolation=False)
    assert any(f.rule == "PE004" and f.template == "orders" for f in findings)
    for fmt in ("text", "json", "sarif"):
        assert SECRET not in render_report(findings, fmt, rule_catalogue())


def test_manifest_file_symlinked_outside_is_refused_at_load(
    tmp_path: Path, catalog_copy: Path
) -> None:
    outside = _outside(tmp_path)
    (catalog_copy / ORDERS).unlink()
    os.symlink(outside / "secret.txt", catalog_copy / ORDERS)
    with pytest.raises(CatalogError, match="outside the catalogue") as info:
        load_catalog(catalog_copy)
    assert SECRET not in str(info.value)


def test_symlinks_inside_the_catalogue_still_work(catalog_copy: Path) -> None:
    (catalog_copy / "partials").mkdir()
    (catalog_copy / "partials" / "id.j2").write_text("shared-{{ tier }}", encoding="utf-8")
    os.symlink(catalog_copy / "partials", catalog_copy / "session" / "linked")
    root = with_id(catalog_copy, '{% include "session/linked/id.j2" %}')
    assert render_id(root) == "shared-basic"


# -- tenant IDs -----------------------------------------------------------------------

HOSTILE_IDS = [
    "*",
    "acme*",
    "a?c",
    'a"b',
    "${aws:username}",
    "a/b",
    "a:b",
    "a b",
    "{{ 7*7 }}",
    "aws:x",
    "acme,",
    "ACME",
    "",
    "a" * 33,
    "acm\u00e9",
    "acme\n",
    "a\\b",
]


@pytest.mark.parametrize("tenant", HOSTILE_IDS)
def test_hostile_tenant_ids_are_refused_before_rendering_or_sts(tenant: str) -> None:
    sts = _CountingSts()
    vendor = CredentialVendor(load_catalog(), sts_client=sts, role_chaining=False)
    with pytest.raises(InvalidTenantId):
        vendor.session_for(tenant, "basic")
    assert sts.calls == 0


@pytest.mark.parametrize(("a", "b"), [("x", "tenant-x"), ("x", "xx"), ("a", "ab"), ("x", "y")])
def test_session_names_never_collide(edit: Any, a: str, b: str) -> None:
    catalog = load_catalog(edit("catalog.toml", "min_length = 3", "min_length = 1"))
    lang = catalog.language
    names = session_name(a, lang), session_name(b, lang)
    assert names[0] != names[1]
    assert all(2 <= len(n) <= 64 for n in names)


# -- vending under STS failure ---------------------------------------------------------


class _CountingSts:
    def __init__(self) -> None:
        self.calls = 0
        self.gate = threading.Event()
        self._lock = threading.Lock()

    def assume_role(self, **_: Any) -> Any:
        from botocore.exceptions import ClientError

        with self._lock:
            self.calls += 1
        self.gate.wait(30)
        raise ClientError(
            {"Error": {"Code": "Throttling", "Message": "Rate exceeded"}},  # type: ignore[typeddict-item]
            "AssumeRole",
        )


def test_a_throttled_stampede_makes_one_sts_call() -> None:
    sts = _CountingSts()
    vendor = CredentialVendor(
        load_catalog(), sts_client=sts, role_chaining=False, monotonic=lambda: 0.0
    )
    vendor.prepare("acme", "basic")
    start = threading.Barrier(51)
    failures: list[BaseException] = []

    def work() -> None:
        start.wait()
        try:
            vendor.credentials_for("acme", "basic")
        except StsThrottled as exc:
            failures.append(exc)

    pool = [threading.Thread(target=work) for _ in range(50)]
    for t in pool:
        t.start()
    start.wait()
    sts.gate.set()
    for t in pool:
        t.join(60)
    assert len(failures) == 50
    assert sts.calls == 1
    assert vendor.cache_size() == 0
