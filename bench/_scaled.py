"""A catalogue ``k`` times the bundled one: ``k`` copies of every tier, template and
resource, each copy naming its own tables, buckets, queues, secrets and key (names that
no tenant ID can reach: `_` and `.` are outside the tenant alphabet)."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

from policy_engine._resources import bundled_catalog_dir

_CONSTANTS = (
    "orders_table",
    "premium_table_prefix",
    "documents_bucket",
    "reports_bucket",
    "jobs_queue_prefix",
    "secrets_prefix",
    "kms_key_id",
)


def scaled_catalogue(k: int, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(bundled_catalog_dir(), target)
    text = (target / "catalog.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    constants: list[str] = []
    sections: list[str] = []
    for i in range(2, k + 1):
        for c in _CONSTANTS:
            value = data["constants"][c] + (f".c{i}" if "bucket" in c else f"_c{i}")
            constants.append(f'{c}_{i} = "{value}"')

        def own(s: str, i: int = i) -> str:
            for c in _CONSTANTS:
                s = s.replace("{{ " + c + " }}", "{{ " + f"{c}_{i}" + " }}")
                s = s.replace("{" + c + "}", "{" + f"{c}_{i}" + "}")
            return s

        for name, spec in data["templates"].items():
            body = own((target / spec["file"]).read_text(encoding="utf-8"))
            body = re.sub(r'"Sid": "(\w+)"', lambda m, i=i: f'"Sid": "{m[1]}C{i}"', body)
            file = spec["file"].replace(".json.j2", f"_{i}.json.j2")
            (target / file).write_text(body, encoding="utf-8")
            sections.append(f'[templates.{name}-{i}]\nfile = "{file}"\nkind = "{spec["kind"]}"\n')
        for tname, tier in data["tiers"].items():
            lines = [f"[tiers.{tname}_{i}]", f'role_arn = "{tier["role_arn"]}-{i}"']
            for key in ("session_templates", "role_templates", "api_templates"):
                if key in tier:
                    names = ", ".join(f'"{x}-{i}"' for x in tier[key])
                    lines.append(f"{key} = [{names}]")
            lines.append(f"[tiers.{tname}_{i}.resources]")
            lines += [f'{r}_{i} = "{p}"' for r, p in tier["resources"].items()]
            sections.append("\n".join(lines) + "\n")
        for rname, res in data["resources"].items():
            lines = [f"[resources.{rname}_{i}]", f'service = "{res["service"]}"']
            lines.append(f'arn = "{own(res["arn"])}"')
            if "policy" in res:
                lines.append(f'policy = "{res["policy"]}-{i}"')
            if res.get("shared"):
                lines.append("shared = true")
            else:
                parts = ", ".join(
                    "{ " + ", ".join(f'{key} = "{own(v)}"' for key, v in p.items()) + " }"
                    for p in res["partitions"]
                )
                lines.append(f"partitions = [{parts}]")
            sections.append("\n".join(lines) + "\n")
    text = text.replace('api_stage = "prod"', 'api_stage = "prod"\n' + "\n".join(constants), 1)
    (target / "catalog.toml").write_text(text + "\n" + "\n".join(sections), encoding="utf-8")
    return target
