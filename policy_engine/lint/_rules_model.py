"""PE092: the catalogue's resource model, on its own: a partition whose parts of two
tenants overlap. No policy can keep such tenants apart, so the proof reports the
tenants' own grants as violations at the templates; this names the model instead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._glob import may_overlap
from ._model import Finding

if TYPE_CHECKING:
    from ..catalog import Catalog

#: characters tried after a tenant ID to make a second one (separators first: an ID
#: that may hold one is where parts overlap)
_NEXT = "-_./:|a0"


def model_findings(catalog: Catalog, tenants: Sequence[str]) -> list[Finding]:
    """One PE092 per partition of the model in which two of the IDs ``tenants`` (and
    each of them with one more character before or after, where the language allows
    it) have parts that can hold one common ARN or value."""
    language = catalog.language
    ids = list(dict.fromkeys(tenants))
    grown = [t + c for t in tenants for c in _NEXT] + [c + t for t in tenants for c in _NEXT]
    ids += [t for t in grown if language.is_valid(t)]
    ids = sorted(dict.fromkeys(ids), key=len)
    # where parts may overlap: one ID begins or ends another (a wildcard beside the
    # slot takes the rest)
    pairs = [
        (one, two)
        for i, one in enumerate(ids)
        for two in ids[i + 1 :]
        if two.startswith(one) or two.endswith(one)
    ]
    findings: list[Finding] = []
    for name, spec in catalog.resources.items():
        for index, partition in enumerate(spec.partitions):
            pattern = partition.arn if partition.arn is not None else partition.value
            if pattern is None or "{tenant}" not in pattern:
                continue
            pair = _overlapping(pattern, pairs)
            if pair is None:
                continue
            one, two = pair
            findings.append(
                Finding(
                    "PE092",
                    "error",
                    f"partition `{pattern}` of resource `{name}`: tenant `{one}`'s part "
                    f"(`{pattern.replace('{tenant}', one)}`) and tenant `{two}`'s "
                    f"(`{pattern.replace('{tenant}', two)}`) overlap, so no policy can "
                    "keep them apart (the proof reports their own grants); end `{tenant}` "
                    "with a character no tenant ID holds, such as `/`",
                    str(catalog.manifest),
                    None,
                    f"$.resources.{name}.partitions[{index}]",
                )
            )
    return findings


def _overlapping(pattern: str, pairs: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    for one, two in pairs:
        if may_overlap(pattern.replace("{tenant}", one), pattern.replace("{tenant}", two)):
            return one, two
    return None
