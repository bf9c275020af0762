"""Known-leaky mutations of the bundled example catalogue (for tests and benchmarks).

Each mutant is a list of (template file, old text, new text) edits applied to a copy
of the catalogue folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ORDERS = "session/orders.json.j2"
DOCS = "session/documents.json.j2"
_TABLE = "arn:{{ partition }}:dynamodb:{{ region }}:{{ account_id }}:table/{{ orders_table }}"
_QUEUE = "arn:{{ partition }}:sqs:{{ region }}:{{ account_id }}:{{ jobs_queue_prefix }}-"
_SCAN_STATEMENT = (
    '    },\n    {"Sid": "OrdersScan", "Effect": "Allow", "Action": "dynamodb:Scan",\n'
    f'     "Resource": "{_TABLE}"}}\n  ]'
)
_ROLE_SCAN = '{%- if tier == "premium" %}\n        "dynamodb:Scan",\n{%- endif %}'
_PREFIX_CONDITION = (
    ',\n      "Condition": {"StringLike": {"s3:prefix": ["{{ tenant }}/", "{{ tenant }}/*"]}}'
)

Edit = tuple[str, str, str]

MUTANTS: dict[str, list[Edit]] = {
    "anchored prefix -> open prefix": [(DOCS, '/{{ tenant }}/*"', '/{{ tenant }}*"')],
    "add Scan on the pooled table": [
        (ORDERS, "    }\n  ]", _SCAN_STATEMENT),
        ("role/tier.json.j2", _ROLE_SCAN, '\n        "dynamodb:Scan",'),
    ],
    "ForAllValues -> ForAnyValue": [
        (ORDERS, "ForAllValues:StringEquals", "ForAnyValue:StringEquals")
    ],
    "StringLike -> StringLikeIfExists": [(DOCS, '"StringLike"', '"StringLikeIfExists"')],
    "resource narrowed to a tenant -> *": [
        ("session/jobs.json.j2", f'"{_QUEUE}{{{{ tenant }}}}"', '"*"')
    ],
    "drop the s3:prefix condition": [(DOCS, _PREFIX_CONDITION, "")],
    # Item actions and Query always carry leading keys, so without a key-less action
    # in the statement the missing Null guard is harmless (the DynamoDB guide's form).
    "drop the Null guard beside a Scan (ForAllValues fails open)": [
        (ORDERS, ',\n        "Null": {"dynamodb:LeadingKeys": "false"}', ""),
        (ORDERS, '"dynamodb:Query",', '"dynamodb:Query",\n        "dynamodb:Scan",'),
        ("role/tier.json.j2", _ROLE_SCAN, '\n        "dynamodb:Scan",'),
    ],
}


def make_mutant(source: Path, target: Path, edits: list[Edit]) -> Path:
    """Copy the catalogue folder ``source`` to ``target`` and apply ``edits``."""
    shutil.copytree(source, target)
    for file, old, new in edits:
        path = target / file
        text = path.read_text(encoding="utf-8")
        if old not in text:
            raise ValueError(f"mutation text not found in {file}: {old!r}")
        path.write_text(text.replace(old, new), encoding="utf-8")
    return target
