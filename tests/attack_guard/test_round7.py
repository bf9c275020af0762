"""Seventh review of the runtime guard (`policy_engine.guard`, `policy_engine._partitions`).

Each reproducer is a strict xfail: it states the correct behaviour and fails today.
Each has a passing twin showing the guard behaving correctly on a neighbouring input,
so the reproducer cannot pass for an unrelated reason. Calls go through real boto3
clients to a dead endpoint (``denied``: refused by the guard; ``sent``: it left the
process; ``returned``: a presigned URL or POST was produced)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from policy_engine._partitions import TenantPartitions
from policy_engine.catalog import Catalog, default_catalog
from policy_engine.vend import CredentialVendor

from ._fakes import DOCS, OkSts, dead_client, outcome

Edit = Callable[[str, str, str], Path]
Manifest = Callable[[Callable[[str], str]], Path]


def guarded(catalog: Catalog, tenant: str = "acme", tier: str = "basic") -> Any:
    vendor = CredentialVendor(catalog, sts_client=OkSts(), role_chaining=False, region="eu-west-1")
    return vendor.session_for(tenant, tier, guard=True)


# -- 1. a shared resource inside a partitioned bucket switches the partition check off
#       for wildcard requests (presigned POST of any key) ------------------------------

_PUBLIC = (
    "[resources.public_assets]\n"
    'service = "s3"\n'
    'description = "public assets in the documents bucket: no tenant\'s data"\n'
    'arn = "arn:{partition}:s3:::{documents_bucket}/public/*"\n'
    "shared = true\n\n"
    "[resources.reports]"
)
_WIDENED = ('{{ documents_bucket }}/{{ tenant }}/*"', '{{ documents_bucket }}/*"')


def _widened_with_public(edit: Edit, catalogue_copy: Manifest, load: Any) -> Catalog:
    catalogue_copy(lambda text: text.replace("[resources.reports]", _PUBLIC, 1))
    return load(edit("session/documents.json.j2", *_WIDENED))  # type: ignore[no-any-return]


def test_presigned_post_of_any_key_is_refused_despite_a_shared_area_in_the_bucket(
    edit: Edit, catalogue_copy: Manifest, load: Any
) -> None:
    s3 = dead_client(guarded(_widened_with_public(edit, catalogue_copy, load)), "s3")
    # The POST policy is `starts-with $key ""`: the browser may upload globex/anything.
    assert outcome(lambda: s3.generate_presigned_post(DOCS, "${filename}")) == "denied"


def test_variant_wildcard_overlapping_the_shared_area_is_refused_by_the_partition_check(
    edit: Edit, catalogue_copy: Manifest, load: Any
) -> None:
    parts = TenantPartitions(_widened_with_public(edit, catalogue_copy, load), "acme")
    docs = f"arn:aws:s3:::{DOCS}/"
    # `*/report.pdf` may be `public/report.pdf` (shared) but also `globex/report.pdf`.
    assert parts.refusal(docs + "*/report.pdf", {}) is not None
    assert parts.refusal(docs + "p*", {}) is not None
    assert parts.refusal(docs + "public/*", {}) is None
    assert parts.refusal(docs + "acme/*", {}) is None


def test_twin_presigned_post_of_any_key_is_refused_without_the_shared_area(
    edit: Edit, load: Any
) -> None:
    s3 = dead_client(guarded(load(edit("session/documents.json.j2", *_WIDENED))), "s3")
    assert outcome(lambda: s3.generate_presigned_post(DOCS, "${filename}")) == "denied"


def test_twin_with_the_shared_area_own_and_shared_keys_pass_and_other_prefixes_do_not(
    edit: Edit, catalogue_copy: Manifest, load: Any
) -> None:
    s3 = dead_client(guarded(_widened_with_public(edit, catalogue_copy, load)), "s3")
    assert outcome(lambda: s3.generate_presigned_post(DOCS, "acme/${filename}")) == "returned"
    assert outcome(lambda: s3.generate_presigned_post(DOCS, "globex/${filename}")) == "denied"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
    assert outcome(lambda: s3.put_object(Bucket=DOCS, Key="public/a.txt", Body=b"x")) == "sent"


# -- 2. Number partition keys: the model declares the key a Number, the partition check
#       still compares strings ---------------------------------------------------------

_ORDERS_PARTITION = 'partitions = [{ condition_key = "dynamodb:LeadingKeys", value = "{tenant}" }]'
_ORDERS_ARN = "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders"


def _numeric(text: str) -> str:
    return (
        text.replace('alphabet = ["a-z", "0-9", "-"]', 'alphabet = ["0-9"]')
        .replace('pattern = "[a-z0-9]+(-[a-z0-9]+)*"', 'pattern = "[0-9]+"')
        .replace(
            'examples = ["acme", "acme-corp", "globex", "initech-eu-1"]',
            'examples = ["042", "0042", "4200"]',
        )
        .replace(_ORDERS_PARTITION, _ORDERS_PARTITION + '\npartition_key_type = "N"', 1)
    )


def test_number_leading_key_equal_to_another_tenants_id_is_outside_the_partition(
    catalogue_copy: Manifest, load: Any
) -> None:
    catalog = load(catalogue_copy(_numeric))
    assert catalog.language.is_valid("042")
    assert catalog.language.is_valid("0042")
    refusal = TenantPartitions(catalog, "0042").refusal(
        _ORDERS_ARN, {"dynamodb:LeadingKeys": ["0042"]}
    )
    assert refusal is not None


def test_variant_number_leading_key_of_zeros_is_refused_and_canonical_ids_pass(
    catalogue_copy: Manifest, load: Any
) -> None:
    catalog = load(catalogue_copy(_numeric))
    assert catalog.language.is_valid("000")
    # `000` is the Number 0, the item collection of `0000` (and of `0`) too.
    assert (
        TenantPartitions(catalog, "000").refusal(_ORDERS_ARN, {"dynamodb:LeadingKeys": ["000"]})
        is not None
    )
    own = TenantPartitions(catalog, "4200")
    assert own.refusal(_ORDERS_ARN, {"dynamodb:LeadingKeys": ["4200"]}) is None
    assert own.refusal(_ORDERS_ARN, {"dynamodb:LeadingKeys": ["04200"]}) is not None


def test_twin_number_leading_key_of_another_spelling_is_refused(
    catalogue_copy: Manifest, load: Any
) -> None:
    catalog = load(catalogue_copy(_numeric))
    # A different string is refused (the string reading catches this one) ...
    assert (
        TenantPartitions(catalog, "0042").refusal(_ORDERS_ARN, {"dynamodb:LeadingKeys": ["042"]})
        is not None
    )
    # ... and with a String key (the default catalogue) an exact ID is the tenant's own.
    assert (
        TenantPartitions(default_catalog(), "acme").refusal(
            _ORDERS_ARN, {"dynamodb:LeadingKeys": ["acme"]}
        )
        is None
    )


# -- 3. a general `before-parameter-build` handler registered on the client after the
#       guard rewrites the parameters the guard decided ---------------------------------


def _to_globex(params: dict[str, Any], **_: Any) -> None:
    if isinstance(params.get("Key"), str):
        params["Key"] = params["Key"].replace("acme/", "globex/", 1)


def test_parameters_rewritten_after_the_guard_decided_are_not_sent() -> None:
    s3 = dead_client(guarded(default_catalog()), "s3")
    s3.meta.events.register("before-parameter-build", _to_globex)
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "denied"


def _nested_to_globex(params: dict[str, Any], **_: Any) -> None:
    key = params.get("Key")
    if isinstance(key, dict) and isinstance(key.get("tenant_id"), dict):
        key["tenant_id"]["S"] = "globex"


def test_variant_nested_parameter_rewritten_after_the_guard_decided_is_not_sent() -> None:
    ddb = dead_client(guarded(default_catalog()), "dynamodb")
    ddb.meta.events.register("before-parameter-build", _nested_to_globex)
    key = {"tenant_id": {"S": "acme"}, "sk": {"S": "o1"}}
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=key)) == "denied"
    plain = dead_client(guarded(default_catalog()), "dynamodb")
    own = {"tenant_id": {"S": "acme"}, "sk": {"S": "o1"}}
    assert outcome(lambda: plain.get_item(TableName="saas-orders", Key=own)) == "sent"


def test_twin_parameters_rewritten_before_the_guard_decides_are_refused() -> None:
    """A handler on the more specific event runs before the guard: it sees the rewrite."""
    s3 = dead_client(guarded(default_catalog()), "s3")
    s3.meta.events.register("before-parameter-build.s3.GetObject", _to_globex)
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "denied"
    plain = dead_client(guarded(default_catalog()), "s3")
    assert outcome(lambda: plain.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"


def test_number_leading_key_through_the_vendor_is_refused(
    catalogue_copy: Manifest, load: Any
) -> None:
    ddb = dead_client(guarded(load(catalogue_copy(_numeric)), tenant="0042"), "dynamodb")
    key = {"tenant_id": {"N": "0042"}, "sk": {"S": "o1"}}
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=key)) == "denied"


def test_twin_number_leading_key_of_another_tenant_through_the_vendor_is_refused(
    catalogue_copy: Manifest, load: Any
) -> None:
    ddb = dead_client(guarded(load(catalogue_copy(_numeric)), tenant="0042"), "dynamodb")
    key = {"tenant_id": {"N": "042"}, "sk": {"S": "o1"}}
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=key)) == "denied"
    ddb = dead_client(guarded(default_catalog()), "dynamodb")
    own = {"tenant_id": {"S": "acme"}, "sk": {"S": "o1"}}
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=own)) == "sent"


# -- 4. the guard builds `arn:aws:` ARNs whatever the catalogue's partition --------------

_CN = ('partition = "aws"', 'partition = "aws-cn"')
_ANY_PARTITION = (
    '"arn:{{ partition }}:s3:::{{ documents_bucket }}/*"',
    '"arn:*:s3:::{{ documents_bucket }}/*"',
)


def _cn_client(catalog: Catalog, service: str) -> Any:
    from botocore.config import Config

    vendor = CredentialVendor(catalog, sts_client=OkSts(), role_chaining=False, region="cn-north-1")
    session = vendor.session_for("acme", "basic", guard=True)
    return session.client(
        service,
        endpoint_url="http://127.0.0.1:9",
        region_name="cn-north-1",
        config=Config(retries={"max_attempts": 0}, connect_timeout=0.2, read_timeout=0.2),
    )


def _widened_anywhere(edit: Edit, catalogue_copy: Manifest, load: Any, *, cn: bool) -> Catalog:
    if cn:
        catalogue_copy(lambda text: text.replace(*_CN, 1).replace("eu-west-1", "cn-north-1"))
    edit("role/tier.json.j2", *_ANY_PARTITION)
    folder = edit(
        "session/documents.json.j2",
        'arn:{{ partition }}:s3:::{{ documents_bucket }}/{{ tenant }}/*"',
        'arn:*:s3:::{{ documents_bucket }}/*"',
    )
    return load(folder)  # type: ignore[no-any-return]


def test_partition_check_holds_in_the_aws_cn_partition(
    edit: Edit, catalogue_copy: Manifest, load: Any
) -> None:
    s3 = _cn_client(_widened_anywhere(edit, catalogue_copy, load, cn=True), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"


def test_twin_partition_check_holds_in_the_aws_partition(
    edit: Edit, catalogue_copy: Manifest, load: Any
) -> None:
    s3 = dead_client(guarded(_widened_anywhere(edit, catalogue_copy, load, cn=False)), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"


def test_own_call_is_sent_in_the_aws_cn_partition(catalogue_copy: Manifest, load: Any) -> None:
    catalog = load(
        catalogue_copy(lambda text: text.replace(*_CN, 1).replace("eu-west-1", "cn-north-1"))
    )
    ddb = _cn_client(catalog, "dynamodb")
    key = {"tenant_id": {"S": "acme"}, "sk": {"S": "o1"}}
    assert outcome(lambda: ddb.get_item(TableName="saas-orders", Key=key)) == "sent"


def test_variant_partition_check_holds_in_the_aws_us_gov_partition(
    edit: Edit, catalogue_copy: Manifest, load: Any
) -> None:
    from policy_engine.guard import region_partition

    assert region_partition("us-gov-west-1") == "aws-us-gov"
    catalogue_copy(
        lambda text: text.replace('partition = "aws"', 'partition = "aws-us-gov"', 1).replace(
            "eu-west-1", "us-gov-west-1"
        )
    )
    edit("role/tier.json.j2", *_ANY_PARTITION)
    catalog = load(
        edit(
            "session/documents.json.j2",
            'arn:{{ partition }}:s3:::{{ documents_bucket }}/{{ tenant }}/*"',
            'arn:*:s3:::{{ documents_bucket }}/*"',
        )
    )
    vendor = CredentialVendor(
        catalog, sts_client=OkSts(), role_chaining=False, region="us-gov-west-1"
    )
    s3 = dead_client(vendor.session_for("acme", "basic", guard=True), "s3")
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/a.txt")) == "denied"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/a.txt")) == "sent"


# -- 5. a presigned listing URL (botocore's default SigV2 query signing) does not sign
#       the prefix the guard decided ----------------------------------------------------


def _signed_string(url: str) -> str:
    """What the query signature of ``url`` covers: for SigV2 botocore's own canonical
    string (the auth parameters removed), for SigV4 the path and every query parameter
    but the signature: two URLs with the same string share a signature."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    from botocore.auth import HmacV1QueryAuth

    split = urlsplit(url)
    if "X-Amz-Signature=" in split.query:
        # SigV4 query signing covers the path and every query parameter but the
        # signature itself (the canonical request).
        signed = sorted(
            (k, v)
            for k, v in parse_qsl(split.query, keep_blank_values=True)
            if k != "X-Amz-Signature"
        )
        return f"GET\n{split.path}\n{urlencode(signed)}"
    auth = {"AWSAccessKeyId", "Signature", "Expires", "x-amz-security-token"}
    query = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k not in auth]
    bare = urlsplit(urlunsplit(split._replace(query=urlencode(query))))
    signer = HmacV1QueryAuth(None)
    return signer.canonical_string("GET", bare, {}, expires="1")


def _edited(url: str, old: str, new: str) -> str:
    assert old in url
    return url.replace(old, new, 1)


def test_presigned_listing_url_binds_the_prefix_the_guard_decided() -> None:
    s3 = dead_client(guarded(default_catalog()), "s3")
    url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": DOCS, "Prefix": "acme/"})
    assert _signed_string(_edited(url, "prefix=acme%2F", "prefix=globex%2F")) != _signed_string(url)


def test_variant_presigned_listing_url_binds_the_prefix_even_when_sigv2_is_configured() -> None:
    """A client configured for SigV2 (`signature_version='s3'`) still presigns with SigV4."""
    from botocore.config import Config

    session = guarded(default_catalog())
    s3 = session.client(
        "s3",
        endpoint_url="http://127.0.0.1:9",
        region_name="eu-west-1",
        config=Config(signature_version="s3", retries={"max_attempts": 0}),
    )
    url = s3.generate_presigned_url("list_objects_v2", Params={"Bucket": DOCS, "Prefix": "acme/"})
    assert "X-Amz-Signature=" in url
    assert _signed_string(_edited(url, "prefix=acme%2F", "prefix=globex%2F")) != _signed_string(url)


def test_twin_presigned_object_url_binds_the_key() -> None:
    """The same signature does cover an object's key (the path)."""
    s3 = dead_client(guarded(default_catalog()), "s3")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": DOCS, "Key": "acme/a.txt"})
    assert "Signature=" in url  # a query signature (SigV4 from a guarded client)
    assert _signed_string(_edited(url, "/acme/a.txt", "/globex/a.txt")) != _signed_string(url)
    prefix = {"Bucket": DOCS, "Prefix": "globex/"}
    assert outcome(lambda: s3.generate_presigned_url("list_objects_v2", Params=prefix)) == "denied"
