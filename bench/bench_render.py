"""Render + parse + schema-validate one typical tenant policy, and import cost."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys

from bench._harness import Result, benchmark, median_us


@benchmark("render")
def render() -> list[Result]:
    from jinja2 import Environment, FileSystemLoader

    from policy_engine.catalog import default_catalog
    from policy_engine.model import policy_from_obj
    from policy_engine.render import Renderer
    from policy_engine.schema import policy_validator

    catalog = default_catalog()
    renderer = Renderer(catalog)
    full = Renderer(catalog, full_check=True)

    # Peer: the obvious implementation, rendering with Jinja for each request and
    # validating the whole document with jsonschema each time.
    env = Environment(loader=FileSystemLoader(str(catalog.root)))
    template = env.get_template("session/documents.json.j2")
    validator = policy_validator("session")
    variables = dict(catalog.constants)

    def naive() -> object:
        doc = json.loads(template.render(variables, tenant="acme-corp", tier="basic"))
        validator.validate(doc)
        return policy_from_obj(doc)

    peer = median_us(naive)
    one = median_us(lambda: renderer.render_template("acme-corp", "basic", "documents"))
    checked = median_us(lambda: full.render_template("acme-corp", "basic", "documents"), batch=50)
    tier = median_us(lambda: renderer.render_tier("acme-corp", "standard"))
    return [
        Result(
            "render+parse+validate one template (documents)",
            one,
            "us",
            "<= 200 us",
            "naive jinja+jsonschema",
            peer,
        ),
        Result("  same, full schema re-check (full_check=True)", checked, "us", "", "naive", peer),
        Result("render+parse+validate tier session policy (7 stmts)", tier, "us"),
    ]


_IMPORT_PROBE = """
import sys, time
def rss():
    with open('/proc/self/status') as fh:
        for line in fh:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
for name in sys.argv[1:-1]:
    __import__(name)  # loaded first, not measured
before = rss(); t = time.perf_counter()
__import__(sys.argv[-1])
print((time.perf_counter() - t) * 1000, rss() - before)
"""


def _import_cost(*modules: str, runs: int = 9) -> tuple[float, float]:
    """Median time and RSS growth of importing the last module, the others loaded first."""
    times, mems = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT_PROBE, *modules],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        times.append(float(out[0]))
        mems.append(float(out[1]))
    return statistics.median(times), statistics.median(mems)


@benchmark("import")
def import_cost() -> list[Result]:
    boto_t, boto_m = _import_cost("boto3")
    extra_t, extra_m = _import_cost("boto3", "policy_engine")
    alone_t, alone_m = _import_cost("policy_engine")
    return [
        Result("import boto3 (reference)", boto_t, "ms"),
        Result("import boto3 (reference): RSS", boto_m, "MB"),
        Result("import policy_engine with boto3 loaded: extra time", extra_t, "ms", "<= 50 ms"),
        Result("import policy_engine with boto3 loaded: extra RSS", extra_m, "MB", "<= 15 MB"),
        Result("import policy_engine alone", alone_t, "ms"),
        Result("import policy_engine alone: RSS", alone_m, "MB"),
    ]
