"""Lambda cold start: what the runtime adds to a bare boto3 handler, measured side by
side in fresh interpreters (one per sample), and what ``require_proved=True`` costs
with a proof certificate against proving in process.

Our package is byte-compiled first (as ``pip install`` leaves it, and as boto3 is).
Figures (medians over fresh processes):
- ``import boto3`` alone (the bare handler's imports) and the overhead of
  ``import policy_engine.lambda_, policy_engine.vend`` on top of it [target <= 40 ms];
- resident memory added by those imports;
- module scope: ``load_catalog()`` + ``CredentialVendor(...)``, beside the bare
  handler's ``boto3.client("sts")``;
- ``require_proved=True`` on the first vend: checking the certificate [target <= 10 ms],
  beside ``require_proved="prove"`` (the proof at cold start).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench._harness import Result, benchmark

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = int(os.environ.get("BENCH_COLDSTART_SAMPLES", "15"))

_RSS = """
def rss():
    with open('/proc/self/status') as fh:
        for line in fh:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return 0.0
"""

IMPORTS = (
    _RSS
    + """
import json, time
t0 = time.perf_counter(); m0 = rss()
import boto3
t1 = time.perf_counter(); m1 = rss()
if WITH_RUNTIME:
    import policy_engine.lambda_, policy_engine.vend
t2 = time.perf_counter(); m2 = rss()
print(json.dumps({"boto3": (t1 - t0) * 1e3, "runtime": (t2 - t1) * 1e3, "rss": m2 - m1}))
"""
)

MODULE_SCOPE = """
import json, time
import boto3
import policy_engine.lambda_, policy_engine.vend
from policy_engine.catalog import load_catalog
from policy_engine.vend import CredentialVendor
t0 = time.perf_counter()
sts = boto3.client("sts", region_name="eu-west-1")
t1 = time.perf_counter()
vendor = CredentialVendor(load_catalog(CATALOG), sts_client=sts, role_chaining=False)
t2 = time.perf_counter()
print(json.dumps({"sts_client": (t1 - t0) * 1e3, "ours": (t2 - t1) * 1e3}))
"""

REQUIRE_PROVED = """
import json, time
from policy_engine.catalog import load_catalog
from policy_engine.vend import CredentialVendor
catalog = load_catalog(CATALOG)
plain = CredentialVendor(catalog, sts_client=object(), role_chaining=False)
plain.prepare("acme", "basic")  # renders once: the template work is not counted below
vendor = CredentialVendor(catalog, sts_client=object(), role_chaining=False,
                          require_proved=MODE, renderer=plain.renderer)
t0 = time.perf_counter()
vendor._check_proved("basic")
t1 = time.perf_counter()
print(json.dumps({"check": (t1 - t0) * 1e3}))
"""


def _compile() -> None:
    """Bytecode for the package, as ``pip install`` writes it (boto3's is there too):
    otherwise every sample would compile our sources and nothing of boto3's."""
    import compileall

    compileall.compile_dir(str(ROOT / "policy_engine"), quiet=1)


def _sample(code: str, **constants: Any) -> dict[str, float]:
    prelude = "".join(f"{k} = {v!r}\n" for k, v in constants.items())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, env=env, check=True
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def _median(code: str, key: str, samples: int = SAMPLES, **constants: Any) -> float:
    return statistics.median(_sample(code, **constants)[key] for _ in range(samples))


def _certified_catalogue(folder: Path) -> Path:
    from policy_engine.cli import run

    target = folder / "catalog"
    shutil.copytree(ROOT / "policy_templates", target)
    cert = target / "isolation-certificate.json"
    code = run(
        ["check-isolation", "--catalog", str(target), "--certificate", str(cert)],
        io.StringIO(),
        io.StringIO(),
    )
    assert code == 0, "the bundled catalogue must be proved"
    return target


@benchmark("coldstart")
def coldstart() -> list[Result]:
    _compile()
    bare = [_sample(IMPORTS, WITH_RUNTIME=False) for _ in range(SAMPLES)]
    ours = [_sample(IMPORTS, WITH_RUNTIME=True) for _ in range(SAMPLES)]
    boto3_ms = statistics.median(s["boto3"] for s in bare)
    overhead = statistics.median(s["runtime"] for s in ours)
    rss = statistics.median(s["rss"] for s in ours)
    results = [
        Result("bare boto3 handler: import boto3", boto3_ms, "ms"),
        Result(
            "import policy_engine.lambda_, .vend over import boto3",
            overhead,
            "ms",
            target="<= 40 ms",
            peer="import boto3",
            peer_value=boto3_ms,
        ),
        Result("  memory added by those imports (RSS)", rss, "MB"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        catalog = str(_certified_catalogue(Path(tmp)))
        scope = [_sample(MODULE_SCOPE, CATALOG=catalog) for _ in range(SAMPLES)]
        client_ms = statistics.median(s["sts_client"] for s in scope)
        results.append(
            Result(
                "module scope: load_catalog() + CredentialVendor()",
                statistics.median(s["ours"] for s in scope),
                "ms",
                peer='boto3.client("sts")',
                peer_value=client_ms,
            )
        )
        certified = _median(REQUIRE_PROVED, "check", CATALOG=catalog, MODE=True)
        proving = _median(REQUIRE_PROVED, "check", samples=3, CATALOG=catalog, MODE="prove")
        results.append(
            Result(
                "require_proved=True: certificate check at cold start",
                certified,
                "ms",
                target="<= 10 ms",
                peer='require_proved="prove"',
                peer_value=proving,
            )
        )
    return results
