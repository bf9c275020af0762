"""Round 10: a policy document the readers do not read, beside a model resource of a
service whose resource policies they do not read.

Catalogue: ``catalogs/abac`` plus a pooled Kinesis stream per tenant
(``stream/events-{tenant}``). Template: both tier roles as the catalogue has them, and::

    Open:
      Type: AWS::Kinesis::ResourcePolicy
      Properties:
        ResourceArn: arn:aws:kinesis:eu-west-1:111122223333:stream/events-globex
        ResourcePolicy:
          Statement:
            - {Effect: Allow, Principal: "*", Action: kinesis:GetRecords, Resource: ...}

Deployed effect: the stream's resource policy grants `*` (a tenant's session itself,
beyond its session policy) globex's records.

Why the lint must not pass it: the policy is PE114 (a warning: not read), and the
deployed proof, which does not read it, said every tier `proved`. Now, where the model
has a resource of a service whose resource policies the readers do not read, each such
unread policy document is PE091 (every tier unknown). A model of read services only
(S3 here) is not affected by it.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run

from ._abac import CATALOG, clean, statuses

STREAM = "arn:aws:kinesis:eu-west-1:111122223333:stream/events-"
KINESIS = f"""
[resources.events]
service = "kinesis"
arn = "{STREAM}*"
partitions = [{{ arn = "{STREAM}{{tenant}}" }}]
"""


def _lint(tmp_path: Path, with_stream: bool, document: dict[str, Any]) -> dict[str, Any]:
    catalog = tmp_path / "catalog"
    shutil.copytree(CATALOG, catalog)
    if with_stream:
        manifest = catalog / "catalog.toml"
        manifest.write_text(manifest.read_text(encoding="utf-8") + KINESIS, encoding="utf-8")
    path = tmp_path / "t.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = io.StringIO()
    run(["lint", "--format", "json", "--catalog", str(catalog), str(path)], out, io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def _open_stream() -> dict[str, Any]:
    template = clean()
    statement = {"Effect": "Allow", "Principal": "*", "Action": "kinesis:GetRecords",
                 "Resource": STREAM + "globex"}  # fmt: skip
    template["Resources"]["Open"] = {
        "Type": "AWS::Kinesis::ResourcePolicy",
        "Properties": {"ResourceArn": STREAM + "globex",
                       "ResourcePolicy": {"Version": "2012-10-17", "Statement": [statement]}},
    }  # fmt: skip
    return template


@pytest.mark.parametrize(
    ("with_stream", "template", "expected"),
    [
        (True, _open_stream(), "unknown"),
        (True, clean(), "proved"),
        (False, _open_stream(), "proved"),
    ],
)
def test_an_unread_policy_beside_a_model_resource_of_an_unread_service(
    tmp_path: Path, with_stream: bool, template: dict[str, Any], expected: str
) -> None:
    doc = _lint(tmp_path, with_stream, template)
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
    assert any(f["rule"] == "PE114" for f in doc["findings"]) == ("Open" in template["Resources"])
