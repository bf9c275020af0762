"""``policy-engine layer build``: a Lambda layer zip of the runtime modules.

Layout: everything under ``python/`` (the folder Lambda puts on ``sys.path``). What
goes in is decided by a probe: a subprocess imports the runtime modules
(:data:`RUNTIME_MODULES`), loads the catalogue, renders a session policy, prepares
a vend, installs the guard on a session and checks the tier's proof (what
``session_for(guard=True)`` and ``require_proved`` import), and reports every module
it imported. From that:

- ``policy_engine``: only the submodules the probe imported (no lint, proof, IaC or
  deploy code), the JSON Schemas, the IAM action data when imported, and the catalogue
  when bundled;
- third-party code: the distributions that own the imported modules, minus the ones
  the Lambda Python runtime ships (boto3 and its dependencies), fetched as wheels for
  the target (``pip download --platform manylinux2014_<arch> --only-binary=:all:
  --python-version ...``) at the versions installed here, and unpacked.

The zip is reproducible: sorted entries with a fixed timestamp.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import PolicyEngineError

Arch = Literal["x86_64", "arm64"]
#: the modules a Lambda function or authorizer imports from policy-engine
RUNTIME_MODULES = (
    "policy_engine.vend",
    "policy_engine.lambda_",
    "policy_engine.guard",
    "policy_engine.authorizer",
)
#: what the Lambda Python runtimes ship: boto3 and its dependencies (certifi is
#: imported by botocore when present; botocore falls back to its own CA bundle)
PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six", "certifi"}
)
#: Imported by botocore only because it is installed (``awscrt``: botocore's optional CRT
#: signer and boto3's CRT transfer client, which the guard refuses); the Lambda
#: runtime's boto3 runs without it and policy-engine needs none of it: never bundled.
NOT_BUNDLED = frozenset({"awscrt"})
#: extras: name -> what the probe also runs for it. ``authorizer``: PyJWT with
#: cryptography (JWT verification); ``proof``: ``CredentialVendor(require_proved="prove")``,
#: which runs the isolation proof at start-up (instead of checking a proof certificate,
#: which needs nothing more) and needs the IAM action data and the proof's modules
#: (policyuniverse's action names are in the action index: it is not imported).
EXTRAS = {
    "authorizer": "import jwt, jwt.algorithms\n"
    "import cryptography.hazmat.primitives.asymmetric.rsa\n",
    "proof": "vendor.require_proved = 'prove'\nvendor._check_proved(tier)\n",
}
#: x86_64 without extras must stay under this (zipped)
BUDGET_BYTES = 3 * 1024 * 1024
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PLATFORMS = {"x86_64": "x86_64", "arm64": "aarch64"}


class LayerError(PolicyEngineError):
    """The layer cannot be built (what failed and how to fix it)."""


@dataclass(frozen=True, slots=True)
class Probe:
    """What the runtime modules imported: policy_engine submodules and distributions."""

    package_modules: tuple[str, ...]
    distributions: tuple[tuple[str, str], ...]  # (name, version), provided ones left out
    provided: tuple[str, ...]


@dataclass
class LayerResult:
    path: Path
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    distributions: tuple[tuple[str, str], ...]
    package_modules: tuple[str, ...]
    arch: str
    python: str
    catalog: str | None
    extras: tuple[str, ...] = field(default_factory=tuple)

    @property
    def within_budget(self) -> bool:
        return self.zipped_bytes <= BUDGET_BYTES

    def summary(self) -> str:
        dists = ", ".join(f"{n} {v}" for n, v in self.distributions) or "none"
        return (
            f"{self.path}: {self.zipped_bytes / 1e6:.2f} MB zipped, "
            f"{self.unzipped_bytes / 1e6:.2f} MB unzipped, {self.files} files "
            f"(python {self.python}, {self.arch}"
            + (f", with {', '.join(self.extras)}" if self.extras else "")
            + f"); wheels: {dists}; catalogue: {self.catalog or 'not bundled'}"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "zipped_bytes": self.zipped_bytes,
            "unzipped_bytes": self.unzipped_bytes,
            "files": self.files,
            "arch": self.arch,
            "python": self.python,
            "extras": list(self.extras),
            "distributions": [{"name": n, "version": v} for n, v in self.distributions],
            "package_modules": list(self.package_modules),
            "catalog": self.catalog,
            "budget_bytes": BUDGET_BYTES,
        }


_PROBE = r"""
import json, sys
before = set(sys.modules)
import importlib
for name in MODULES:
    importlib.import_module(name)
from policy_engine.catalog import load_catalog
from policy_engine.render import Renderer
from policy_engine.vend import CredentialVendor
catalog = load_catalog(CATALOG)
renderer = Renderer(catalog)
tier = sorted(catalog.tiers)[0]
tenant = TENANT
renderer.render_tier(tenant, tier)
renderer.render_role_policies(tier)
if catalog.tiers[tier].api_templates:
    renderer.render_api(tenant, tier)
vendor = CredentialVendor(catalog, sts_client=object())
vendor.prepare(tenant, tier)
# require_proved=True checks a proof certificate at the first vend: exercise that route
# (refused here when the catalogue holds no certificate; the imports are what counts)
from policy_engine.vend import IsolationNotProved
try:
    CredentialVendor(catalog, sts_client=object(), require_proved=True).prepare(tenant, tier)
except IsolationNotProved:
    pass
# the guard (session_for(guard=True)) imports the isolation package: exercise it
import boto3
vendor._install_guard(boto3.Session(region_name="us-east-1"), tenant, tier, "tenant_id")
exec(EXTRA_CODE)
out = {}
for name, module in list(sys.modules.items()):
    out[name] = getattr(module, "__file__", None)
json.dump(out, sys.stdout)
"""


def probe(
    *, extras: Sequence[str] = (), catalog: str | None = None, python: str = sys.executable
) -> Probe:
    """Run the probe in a subprocess and map what it imported to distributions."""
    from ..catalog import load_catalog
    from .plan import longest_tenant

    tenant = longest_tenant(load_catalog(catalog))  # a valid ID of the catalogue's language
    extra_code = ""
    for extra in extras:
        if extra not in EXTRAS:
            raise LayerError(f"unknown extra `{extra}`; extras: {', '.join(sorted(EXTRAS))}")
        extra_code += EXTRAS[extra]
    code = (
        f"MODULES = {list(RUNTIME_MODULES)!r}\nCATALOG = {catalog!r}\nTENANT = {tenant!r}\n"
        f"EXTRA_CODE = {extra_code!r}\n" + _PROBE
    )
    proc = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["(no output)"]
        raise LayerError(f"the import probe failed: {tail[0]}")
    imported: dict[str, str | None] = json.loads(proc.stdout)
    return _classify(imported)


def _classify(imported: dict[str, str | None]) -> Probe:
    owners = metadata.packages_distributions()
    stdlib = sys.stdlib_module_names
    package = sorted(n for n in imported if n == "policy_engine" or n.startswith("policy_engine."))
    dists: dict[str, str] = {}
    provided: set[str] = set()
    for name, file in imported.items():
        top = name.split(".")[0]
        if top in stdlib or top == "policy_engine" or top.startswith("_") or file is None:
            continue
        for dist in owners.get(top, ()):
            canonical = _canonical(dist)
            if canonical in PROVIDED:
                provided.add(canonical)
                continue
            if canonical in NOT_BUNDLED:
                continue
            dists[canonical] = metadata.version(dist)
    return Probe(tuple(package), tuple(sorted(dists.items())), tuple(sorted(provided)))


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


Downloader = Callable[[Sequence[tuple[str, str]], Path, str, str], list[Path]]


def pip_download(
    dists: Sequence[tuple[str, str]], dest: Path, arch: str, python: str
) -> list[Path]:
    """Wheels for the target platform with ``pip download`` (needs the package index)."""
    if not dists:
        return []
    machine = _PLATFORMS[arch]
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--disable-pip-version-check",
        "--no-deps",
        "--only-binary=:all:",
        "--platform",
        f"manylinux2014_{machine}",
        "--platform",
        f"manylinux_2_28_{machine}",
        "--python-version",
        python,
        "--implementation",
        "cp",
        "-d",
        str(dest),
        *[f"{name}=={version}" for name, version in dists],
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        raise LayerError(
            "pip download failed for the target "
            f"(python {python}, manylinux {machine}): " + (lines[-1] if lines else "no output")
        )
    return sorted(dest.glob("*.whl"))


def build_layer(
    output: str | Path,
    *,
    arch: Arch = "x86_64",
    python: str = "3.12",
    extras: Sequence[str] = (),
    catalog: str | Path | None = None,
    bundle_catalog: bool = True,
    downloader: Downloader | None = None,
) -> LayerResult:
    """Build the layer zip at ``output``; returns its size and contents."""
    if arch not in _PLATFORMS:
        raise LayerError(f"architecture `{arch}` is not supported; use x86_64 or arm64")
    if not python.replace(".", "").isdigit() or python.count(".") != 1:
        raise LayerError(f"--python takes a version such as 3.12, not `{python}`")
    from .._resources import bundled_catalog_dir, schemas_dir
    from ..catalog import load_catalog

    catalog_dir = Path(catalog) if catalog is not None else bundled_catalog_dir()
    loaded = load_catalog(catalog_dir)  # refuse a broken catalogue before building
    found = probe(extras=extras, catalog=str(loaded.root))
    with tempfile.TemporaryDirectory(prefix="policy-engine-layer-") as tmp:
        root = Path(tmp) / "python"
        root.mkdir()
        _copy_package(found.package_modules, root)
        _copy_tree(schemas_dir(), root / "policy_engine" / "_bundled" / "schemas", (".json",))
        if bundle_catalog:
            _copy_tree(loaded.root, root / "policy_engine" / "_bundled" / "policy_templates", None)
        fetch = downloader if downloader is not None else pip_download
        wheels = fetch(found.distributions, Path(tmp) / "wheels", arch, python)
        for wheel in wheels:
            with zipfile.ZipFile(wheel) as zf:
                zf.extractall(root)
        _prune(root)
        out = Path(output)
        out.parent.mkdir(parents=True, exist_ok=True)
        files, unzipped = _write_zip(Path(tmp), root, out)
    return LayerResult(
        path=out,
        zipped_bytes=out.stat().st_size,
        unzipped_bytes=unzipped,
        files=files,
        distributions=found.distributions,
        package_modules=found.package_modules,
        arch=arch,
        python=python,
        catalog=str(loaded.root) if bundle_catalog else None,
        extras=tuple(extras),
    )


def _copy_package(modules: Iterable[str], root: Path) -> None:
    import policy_engine

    source = Path(policy_engine.__file__).resolve().parent
    dest = root / "policy_engine"
    wanted = set(modules)
    for name in sorted(wanted):
        rel = Path(*name.split(".")[1:])
        init = source / rel / "__init__.py"
        file = init if init.is_file() else (source / rel).with_suffix(".py")
        if not file.is_file():
            continue
        target = dest / file.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(file, target)
    shutil.copy2(source / "py.typed", dest / "py.typed")
    if "policy_engine._iamdata" in wanted:  # the action data's per-service index
        shutil.copy2(source / "iam_index.bin", dest / "iam_index.bin")


def _copy_tree(source: Path, dest: Path, suffixes: tuple[str, ...] | None) -> None:
    for path in sorted(source.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.name.startswith("."):
            continue
        if suffixes is not None and path.suffix not in suffixes:
            continue
        target = dest / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)


def _prune(root: Path) -> None:
    """Drop what a runtime never reads: byte-code caches and console scripts."""
    for cache in sorted(root.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache, ignore_errors=True)
    for path in root.glob("*.data"):
        shutil.rmtree(path, ignore_errors=True)


def _write_zip(base: Path, root: Path, out: Path) -> tuple[int, int]:
    files = unzipped = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(base).as_posix()):
            if not path.is_file():
                continue
            info = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=_ZIP_TIME)
            info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            data = path.read_bytes()
            zf.writestr(info, data, compresslevel=9)
            files += 1
            unzipped += len(data)
    return files, unzipped


__all__ = [
    "BUDGET_BYTES",
    "NOT_BUNDLED",
    "PROVIDED",
    "RUNTIME_MODULES",
    "LayerError",
    "LayerResult",
    "Probe",
    "build_layer",
    "pip_download",
    "probe",
]
