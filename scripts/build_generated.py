"""Rebuild the files the package ships that are generated from other shipped files.

    python scripts/build_generated.py          # write them
    python scripts/build_generated.py --check  # exit 1 if one is out of date

- ``policy_engine/iam_index.bin``: the action data cut per service, from
  ``policy_engine/iam_data.json.gz`` (run after ``scripts/refresh_iam_data.py``), with
  the action names of the installed policyuniverse that the snapshot lacks and its
  version (run after upgrading policyuniverse: the lint imports it while the installed
  version differs from the recorded one);
- ``policy_engine/_schema_compiled.py``: the IAM policy schema compiled to Python
  (fastjsonschema), from ``schemas/iam-policy.schema.json``.

Unit tests (tests/unit/test_generated.py) check both against their sources.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from policy_engine import _fastschema, _iamdata, _iamindex  # noqa: E402


def outputs() -> dict[Path, bytes]:
    """Each generated file with the bytes it should hold."""
    package = ROOT / "policy_engine"
    return {
        package / _iamindex.INDEX_FILE: _iamindex.build_index(
            _iamdata.snapshot(), _iamdata.installed_policyuniverse()
        ),
        package / _fastschema.COMPILED_FILE: _fastschema.generate_source().encode(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale files")
    args = parser.parse_args()
    stale = 0
    for path, data in outputs().items():
        current = path.read_bytes() if path.is_file() else None
        if current == data:
            print(f"{path.relative_to(ROOT)}: up to date")
            continue
        if args.check:
            print(f"{path.relative_to(ROOT)}: out of date", file=sys.stderr)
            stale += 1
            continue
        path.write_bytes(data)
        print(f"{path.relative_to(ROOT)}: written, {len(data):,} bytes")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
