"""Proof certificates: the isolation proof's result per tier, bound to the catalogue's
content, written at build time and checked at cold start instead of proving again.

``policy-engine check-isolation --certificate FILE`` writes one; a vendor with
``require_proved=True`` reads it (``certificate=``, ``$POLICY_ENGINE_CERTIFICATE``,
or ``isolation-certificate.json`` in the catalogue folder) and vends a tier only if the
certificate was written for exactly this catalogue content (every file of the
catalogue folder, the stage and its constants) by this version of policy-engine, and
says the tier is ``proved``. This module imports neither the proof nor the lint.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .errors import PolicyEngineError

if TYPE_CHECKING:
    from .catalog import Catalog

FORMAT = "policy-engine-isolation-certificate/1"
DEFAULT_NAME = "isolation-certificate.json"
CERTIFICATE_ENV = "POLICY_ENGINE_CERTIFICATE"
_SKIPPED_DIRS = frozenset({"__pycache__"})


class CertificateError(PolicyEngineError):
    """A proof certificate is missing, unreadable, malformed, or stale."""


class _Result(Protocol):
    @property
    def status(self) -> str: ...

    @property
    def checks(self) -> int: ...


def catalog_hash(catalog: Catalog, *, exclude: Path | None = None) -> str:
    """``sha256:<hex>`` over every file of the catalogue folder (relative path and
    bytes, in path order; the certificate itself and ``__pycache__`` left out), the
    manifest's name, the stage and the constants in effect."""
    root = os.path.realpath(catalog.root)
    skip = {os.path.join(root, DEFAULT_NAME)}
    if exclude is not None:
        skip.add(os.path.realpath(exclude))
    digest = hashlib.sha256()
    files: list[tuple[str, str]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIPPED_DIRS]
        for name in names:
            path = os.path.join(folder, name)
            if path not in skip:  # a link to the certificate is hashed: stale, refused
                files.append((os.path.relpath(path, root).replace(os.sep, "/"), path))
    for relative, path in sorted(files):
        with open(path, "rb") as fh:
            data = fh.read()
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    setting = {
        "manifest": catalog.manifest.name,
        "stage": catalog.stage,
        "constants": dict(catalog.constants),
    }
    digest.update(json.dumps(setting, sort_keys=True, default=str).encode())
    return "sha256:" + digest.hexdigest()


def _version() -> str:
    from . import __version__

    return __version__


def build_certificate(
    catalog: Catalog, results: Mapping[str, _Result], *, path: Path | None = None
) -> dict[str, Any]:
    """The certificate document for proof ``results`` (tier -> result) of ``catalog``."""
    return {
        "format": FORMAT,
        "policy_engine": _version(),
        "catalog": catalog.name,
        "stage": catalog.stage,
        "catalog_hash": catalog_hash(catalog, exclude=path),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "tiers": {
            name: {"status": result.status, "checks": int(result.checks)}
            for name, result in sorted(results.items())
        },
    }


def write_certificate(catalog: Catalog, results: Mapping[str, _Result], path: Path) -> None:
    doc = build_certificate(catalog, results, path=path)
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def certificate_path(catalog: Catalog, path: str | Path | None = None) -> Path:
    """Where the certificate is looked for: ``path``, else ``$POLICY_ENGINE_CERTIFICATE``,
    else ``isolation-certificate.json`` in the catalogue folder."""
    if path is not None:
        return Path(path)
    env = os.environ.get(CERTIFICATE_ENV)
    if env is not None and env.strip():
        return Path(env)
    return catalog.root / DEFAULT_NAME


def read_certificate(path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CertificateError(
            f"no proof certificate at `{path}`: write one at build time with "
            f"`policy-engine check-isolation --catalog DIR --certificate {path}` and ship it "
            f"with the catalogue (or point ${CERTIFICATE_ENV} or certificate= at it)"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CertificateError(f"cannot read the proof certificate `{path}`: {exc}") from exc
    tiers = doc.get("tiers") if isinstance(doc, dict) else None
    if (
        not isinstance(doc, dict)
        or doc.get("format") != FORMAT
        or not isinstance(doc.get("catalog_hash"), str)
        or not isinstance(tiers, dict)
        or not all(isinstance(t, dict) and isinstance(t.get("status"), str) for t in tiers.values())
    ):
        raise CertificateError(
            f"`{path}` is not a proof certificate (format `{FORMAT}` with `catalog_hash` "
            "and `tiers`)"
        )
    return doc


def tier_status(catalog: Catalog, tier: str, path: str | Path | None = None) -> str:
    """The certified proof status of ``tier``; :class:`CertificateError` when the
    certificate is missing, malformed, written by another policy-engine version, for
    other catalogue content, or silent about the tier."""
    where = certificate_path(catalog, path)
    doc = read_certificate(where)
    # The command names this catalogue (and stage): without --catalog it would prove the
    # one $POLICY_ENGINE_CATALOG names, or the bundled example, and certify that instead.
    import shlex

    stage = f" --stage {shlex.quote(catalog.stage)}" if catalog.stage is not None else ""
    again = (
        "write it again at build time: `policy-engine check-isolation --catalog "
        f"{shlex.quote(str(catalog.root))}{stage} --certificate {shlex.quote(str(where))}`"
    )
    if doc.get("policy_engine") != _version():
        raise CertificateError(
            f"the proof certificate `{where}` was written by policy-engine "
            f"{doc.get('policy_engine')}, this is {_version()} (the proof may differ); {again}"
        )
    actual = catalog_hash(catalog, exclude=where)
    if doc["catalog_hash"] != actual:
        raise CertificateError(
            f"the proof certificate `{where}` is stale: it was written for catalogue content "
            f"{doc['catalog_hash'][:19]}... (stage {doc.get('stage')}), this catalogue is "
            f"{actual[:19]}... (stage {catalog.stage}); {again}"
        )
    entry = doc["tiers"].get(tier)
    if entry is None:
        raise CertificateError(
            f"the proof certificate `{where}` does not cover tier `{tier}` (it covers "
            f"{', '.join(sorted(doc['tiers'])) or 'no tier'}); {again} without --tier"
        )
    status: str = entry["status"]
    return status


__all__ = [
    "CERTIFICATE_ENV",
    "DEFAULT_NAME",
    "FORMAT",
    "CertificateError",
    "build_certificate",
    "catalog_hash",
    "certificate_path",
    "read_certificate",
    "tier_status",
    "write_certificate",
]
