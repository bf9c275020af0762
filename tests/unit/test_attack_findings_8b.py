"""Attack review 8b of the isolation proof (policy-language semantics and templates).

01. The rendering the proof checked was not a function of the templates, the tier
    and the constants: Jinja's ``random`` filter and ``lipsum`` global were offered,
    an imported template's module (and a ``namespace`` in it) was kept for the
    process, and the text of an object (``<... object at 0x7f...>``) could steer a
    branch. The proof proved one draw; the vending function, in another process or
    after other tiers, rendered another (one reaching every tenant).
02. A Condition operator block naming one key twice in different case
    (``s3:prefix`` and ``S3:Prefix``): key names are case-insensitive and AWS does not
    document which value it tests. The proof read both (AND), the narrowest reading,
    in Allows, in Deny fences and in the trust check's vendor limit.

Each leaky case is not `proved`; each has a sound twin that still proves.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, DOCS, DOCS_AND_LISTING, ROLE, allowed, check, doc, said, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.cli import run
from policy_engine.errors import TemplateError
from policy_engine.isolation import check_catalog
from policy_engine.render import TENANT_MARKER as T
from policy_engine.render import Renderer

FINDINGS = Path(__file__).parent.parent / "cases" / "attack8b"
RENDERING = FINDINGS / "01-rendering-differs-between-processes"
TWICE = FINDINGS / "02-condition-key-named-twice-in-different-case"


def _catalogue_with(tmp_path: Path, template: str, extra: dict[str, str] | None = None) -> Path:
    """The reproducer's catalogue with its session template replaced."""
    root = tmp_path / "catalogue"
    shutil.copytree(RENDERING, root, ignore=shutil.ignore_patterns("variant-*", "README.md"))
    (root / "session" / "docs.json.j2").write_text(template, encoding="utf-8")
    for name, text in (extra or {}).items():
        (root / "session" / name).write_text(text, encoding="utf-8")
    return root


def _statement(resource: str, head: str = "", tail: str = "") -> str:
    return (
        head
        + '{"Version": "2012-10-17", "Statement": [{"Sid": "OwnObjects", "Effect": "Allow", '
        + '"Action": ["s3:GetObject", "s3:PutObject"], "Resource": '
        + resource
        + "}]}"
        + tail
    )


# -- 01: a rendering is a function of the templates, the tier and the constants --------


def test_01_random_filter_is_refused_not_proved_on_one_draw() -> None:
    with pytest.raises(TemplateError, match="random"):
        check_catalog(load_catalog(RENDERING))


def test_01_lipsum_is_refused(tmp_path: Path) -> None:
    wide = '"arn:{{ partition }}:s3:::{{ bucket }}/*"'
    own = '"arn:{{ partition }}:s3:::{{ bucket }}/{{ tenant }}/*"'
    template = _statement(
        f"{{% if lipsum(1, false, 1, 1) | length is even %}}{wide}{{% else %}}{own}{{% endif %}}"
    )
    with pytest.raises(TemplateError, match="lipsum"):
        Renderer(load_catalog(_catalogue_with(tmp_path, template))).symbolic_tier("basic")


def test_01_variant_imported_state_renders_alike_in_any_order_and_is_not_proved() -> None:
    catalogue = load_catalog(RENDERING / "variant-imported-module-state")
    after_basic = Renderer(catalogue)
    after_basic.symbolic_tier("basic")
    premium_after_basic = after_basic.symbolic_tier("premium").document
    premium_first = Renderer(catalogue).symbolic_tier("premium").document
    assert premium_after_basic == premium_first
    assert "saas-docs-111122223333/*" in str(premium_first)  # the wide branch, always
    results = check_catalog(catalogue)
    assert results["premium"].status == "violation", said(results["premium"])


@pytest.mark.parametrize(
    "expression",
    [
        '("x".upper) | string',  # a bound method
        '"" ~ joiner()',  # `~` on an object
        '([1] | map("string")) | string',  # a generator a filter returned
        '"%s" % cycler(1)',
        '"{}".format(cycler(1))',
        "[cycler(1)] | join",
        '["a"] | map("string") | first | string ~ cycler(1)',
        "[1, 2] | join(cycler(1))",  # the separator
        '[{"a": 1}] | join(",", attribute="items")',  # what the attribute names
    ],
)
def test_01_variant_text_of_an_object_address_is_refused(tmp_path: Path, expression: str) -> None:
    template = _statement(
        '"arn:{{ partition }}:s3:::{{ bucket }}/{{ tenant }}/*"',
        head=f"{{% set digit = ({expression})[-3:] %}}",
    )
    with pytest.raises(TemplateError, match="lives in memory"):
        Renderer(load_catalog(_catalogue_with(tmp_path, template))).symbolic_tier("basic")


def test_01_variant_object_address_reproducer_is_refused() -> None:
    with pytest.raises(TemplateError, match="lives in memory"):
        check_catalog(load_catalog(RENDERING / "variant-object-address"))


PURE_MODULE = """{%- macro own(bucket, t) -%}arn:aws:s3:::{{ bucket }}/{{ t }}/{%- endmacro -%}
{%- set suffixes = namespace(items=["*"]) -%}
"""

#: imports, a namespace in the imported module, joiner, cycler, `~`, `%`, `format`,
#: `join`, `string` on data: everything a template does with data still renders
PURE = """{%- import "session/paths.j2" as paths -%}
{%- set comma = joiner(", ") -%}
{%- set kind = cycler("Get", "Put") -%}
{"Version": "2012-10-17", "Statement": [{"Sid": "OwnObjects", "Effect": "Allow",
  "Action": [{% for n in range(2) -%}
    {{ comma() }}"{{ "s3:%s" % kind.next() ~ "Object" }}"
  {%- endfor %}],
  "Resource": [{% for s in paths.suffixes.items -%}
    "{{ paths.own(bucket, tenant) }}{{ s | string }}"
  {%- endfor %}],
  "Condition": {"StringEquals": {"aws:PrincipalAccount": "{{ "{}".format(account_id) }}"}}}]}
"""


def test_01_sound_twin_pure_templates_render_alike_and_prove(tmp_path: Path) -> None:
    root = _catalogue_with(tmp_path, PURE, {"paths.j2": PURE_MODULE})
    catalogue = load_catalog(root)
    first = Renderer(catalogue).symbolic_tier("basic").document
    again = Renderer(catalogue)
    again.symbolic_tier("basic")
    assert (
        again.symbolic("docs", "basic").document
        == Renderer(catalogue).symbolic("docs", "basic").document
    )
    assert first["Statement"][0]["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert check_catalog(catalogue)["basic"].status == "proved"


# -- 02: a condition key named twice in one block, in different case --------------------

LISTING = [f"{T}/", f"{T}/*"]


def _listing(condition: dict[str, Any], effect: str = "Allow") -> dict[str, Any]:
    return stmt("s3:ListBucket", DOCS, condition, effect=effect)


def test_02_allow_with_the_prefix_key_named_twice_is_not_proved() -> None:
    twice = doc(_listing({"StringLike": {"s3:prefix": LISTING, "S3:Prefix": "*"}}))
    result = check(twice, [DOCS_AND_LISTING])
    assert result.status == "unknown", said(result)
    assert "names the condition key `s3:prefix` twice" in said(result)
    # read last-wins, the block is `StringLike S3:Prefix *`: another tenant's listing
    last = doc(_listing({"StringLike": {"S3:Prefix": "*"}}))
    assert allowed(last, "acme", "s3:ListBucket", DOCS, {"s3:prefix": "globex/"})


def test_02_sound_twin_the_key_once_is_proved() -> None:
    once = doc(_listing({"StringLike": {"s3:prefix": LISTING}}))
    assert check(once, [DOCS_AND_LISTING]).status == "proved"
    # the key once in each of two operators (AND, documented) is proved too
    two_ops = doc(_listing({"StringLike": {"s3:prefix": LISTING}, "Null": {"S3:Prefix": "false"}}))
    assert check(two_ops, [DOCS_AND_LISTING]).status == "proved"


def test_02_variant_deny_fence_with_the_key_named_twice_is_no_fence() -> None:
    everything = _listing({"StringLike": {"s3:prefix": "*"}})
    fence = {"StringNotLike": {"s3:prefix": LISTING, "S3:PREFIX": "*"}}
    result = check(doc(everything, _listing(fence, effect="Deny")), [DOCS_AND_LISTING])
    assert result.status != "proved", said(result)
    sound = {"StringNotLike": {"s3:prefix": LISTING}}
    assert check(doc(everything, _listing(sound, effect="Deny")), [DOCS_AND_LISTING]).status == (
        "proved"
    )


VENDOR = f"arn:aws:iam::{ACCT}:role/saas-vendor"
DOCS_OBJECTS = ResourceSpec("documents", "s3", DOCS, (Partition(arn=DOCS + "/{tenant}/*"),))


def _trust(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
        "Action": ["sts:AssumeRole", "sts:TagSession"],
        "Condition": condition,
    }


@pytest.mark.parametrize(
    ("condition", "status"),
    [
        ({"ArnEquals": {"aws:PrincipalArn": VENDOR}}, "proved"),
        (
            {"ArnLike": {"aws:PrincipalArn": VENDOR, "AWS:PrincipalARN": f"arn:aws:iam::{ACCT}:*"}},
            "unknown",
        ),
    ],
)
def test_02_variant_trust_limited_to_the_vendor_by_a_key_named_twice(
    condition: dict[str, Any], status: str
) -> None:
    role = doc(stmt(["s3:GetObject", "s3:PutObject"], DOCS + "/*"))
    session = doc(stmt(["s3:GetObject", "s3:PutObject"], f"{DOCS}/{T}/*"))
    trust = {ROLE: doc(_trust(condition))}
    result = check(session, [DOCS_OBJECTS], roles=[role], trust=trust, vendors=(VENDOR,))
    assert result.status == status, said(result)


def test_02_reproducer_says_which_key_is_named_twice() -> None:
    result = check_catalog(load_catalog(TWICE))["basic"]
    assert result.status == "unknown"
    assert "`S3:Prefix`" in said(result)


# -- 03: a resource policy names the tier role in another case --------------------------

REPORTS = "arn:aws:s3:::reports"
REPORTS_MODEL = ResourceSpec(
    "reports",
    "s3",
    REPORTS,
    (
        Partition(arn=REPORTS + "/{tenant}/*"),
        Partition(condition_key="s3:prefix", value="{tenant}/*"),
    ),
)
#: ABAC: the session admits the bucket, the role scopes it by the tenant tag
ABAC_SESSION = doc(stmt("s3:GetObject", REPORTS + "/*"))
ABAC_ROLE = doc(stmt("s3:GetObject", REPORTS + "/${aws:PrincipalTag/TenantId}/*"))


def _bucket_policy(principal: str) -> dict[str, Any]:
    grant = stmt("s3:GetObject", REPORTS + "/*")
    grant["Principal"] = {"AWS": principal}
    return doc(grant)


def _abac(principal: str) -> Any:
    return check(
        ABAC_SESSION,
        [REPORTS_MODEL],
        roles=[ABAC_ROLE],
        resource_policies={"reports": _bucket_policy(principal)},
    )


@pytest.mark.parametrize(
    "principal",
    [
        ROLE.replace("tenant-role", "TENANT-ROLE"),  # the role name in upper case
        ROLE.replace("role/", "role/Tenants/"),  # with a path
        f"arn:aws:sts::{ACCT}:assumed-role/TENANT-ROLE/acme",  # a session, name in upper case
    ],
)
def test_03_principal_naming_the_tier_role_in_another_case_is_not_proved(principal: str) -> None:
    result = _abac(principal)
    assert result.status != "proved", said(result)
    assert f"the principal `{principal}` names the tier role" in said(result)


def test_03_the_exact_role_arn_is_a_violation_and_another_role_is_proved() -> None:
    assert _abac(ROLE).status == "violation"
    other = f"arn:aws:iam::{ACCT}:role/reporting-job"
    assert _abac(other).status == "proved", said(_abac(other))


# -- every reproducer of this review ----------------------------------------------------


def _folders() -> list[Path]:
    return sorted(p.parent for p in FINDINGS.rglob("catalog.toml"))


def test_the_reviewers_catalogues_are_all_here() -> None:
    assert len(_folders()) == 5


@pytest.mark.parametrize("folder", _folders(), ids=lambda p: str(p.relative_to(FINDINGS)))
def test_no_reproducer_of_this_review_is_proved(folder: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    # exit 0 only when every tier is proved; 1 a tier is not; 2 the catalogue is refused
    code = run(["check-isolation", "--catalog", str(folder)], out, err)
    assert code in (1, 2), out.getvalue()
    assert code == 2 or any(
        line.split(": ")[1].startswith(("violation", "unknown"))
        for line in out.getvalue().splitlines()
        if not line.startswith(" ")
    ), out.getvalue()
