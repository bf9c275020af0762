"""A resource's ARN names its service, and its ARN partitions lie in its partition,
service, region and account: an account typed wrong in one of them is refused when
the catalogue loads, at its key path, naming both values (before, the proof reported
the resource's names as no tenant's partition, or proved a model whose `arn` was not
where its partitions are)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.errors import CatalogError

Edit = Callable[[Callable[[str], str]], Path]

_QUEUE_PARTITION = (
    'partitions = [{ arn = "arn:{partition}:sqs:{region}:{account_id}:'
    '{jobs_queue_prefix}-{tenant}" }]'
)
_QUEUE_ARN = 'arn = "arn:{partition}:sqs:{region}:{account_id}:{jobs_queue_prefix}-*"'


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text
        return text.replace(old, new)

    return edit


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            _QUEUE_PARTITION,
            _QUEUE_PARTITION.replace("{account_id}", "999988887777"),
            "$.resources.jobs.partitions[0].arn",
            ["account `999988887777`", "account `111122223333`"],
        ),
        (
            _QUEUE_ARN,
            _QUEUE_ARN.replace("{account_id}", "999988887777"),
            "$.resources.jobs.partitions[0].arn",
            ["account `111122223333`", "account `999988887777`"],
        ),
        (
            _QUEUE_PARTITION,
            _QUEUE_PARTITION.replace("{region}", "us-east-1"),
            "$.resources.jobs.partitions[0].arn",
            ["region `us-east-1`", "region `eu-west-1`"],
        ),
        (
            _QUEUE_ARN,
            _QUEUE_ARN.replace(":sqs:", ":sns:"),
            "$.resources.jobs.arn",
            ["service `sns`", "service `sqs`"],
        ),
    ],
)
def test_a_partition_outside_its_resource_is_refused(
    catalogue_copy: Edit, old: str, new: str, path: str, words: list[str]
) -> None:
    root = catalogue_copy(_replace(old, new))
    with pytest.raises(CatalogError) as info:
        load_catalog(root)
    message = str(info.value)
    assert path in message
    for word in words:
        assert word in message


def test_a_wildcard_region_in_the_resource_covers_the_partitions(catalogue_copy: Edit) -> None:
    root = catalogue_copy(_replace(_QUEUE_ARN, _QUEUE_ARN.replace("{region}", "*")))
    assert load_catalog(root).resources["jobs"].arn.startswith("arn:aws:sqs:*:")


def test_the_bundled_catalogue_loads() -> None:
    assert load_catalog().resources
