"""`policy-engine layer build`: layout, contents chosen by the import probe, a clean
interpreter imports the runtime modules from the layer with only boto3 beside it,
and the size budget. The slow test downloads the real wheels for Lambda."""

from __future__ import annotations

import importlib.metadata as metadata
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from policy_engine.cli import run
from policy_engine.deploy.layer import BUDGET_BYTES, PROVIDED, LayerError, build_layer, probe

PROBE_RUNTIME = """
import json, sys
import policy_engine.vend, policy_engine.lambda_, policy_engine.guard, policy_engine.authorizer
from policy_engine.catalog import default_catalog
from policy_engine.render import Renderer
from policy_engine.vend import CredentialVendor
catalog = default_catalog()
Renderer(catalog).render_tier("acme", "basic")
request = CredentialVendor(catalog, sts_client=object()).prepare("acme", "premium")
import boto3
vendor = CredentialVendor(catalog, sts_client=object())
vendor._install_guard(boto3.Session(region_name="eu-west-1"), "acme", "basic", "tenant_id")
files = {n: getattr(m, "__file__", None) for n, m in sys.modules.items()}
print(json.dumps({"role": request.role_arn, "files": files}))
"""


def local_wheels(
    dists: Sequence[tuple[str, str]], dest: Path, arch: str, python: str
) -> list[Path]:
    """Stand-in for pip download: wheels of the distributions installed here (this
    interpreter's platform), so the layer can be imported by this interpreter."""
    dest.mkdir(parents=True, exist_ok=True)
    wheels = []
    for name, version in dists:
        dist = metadata.distribution(name)
        assert dist.version == version
        wheel = dest / f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            for file in dist.files or ():
                path = Path(str(dist.locate_file(file)))
                if path.is_file() and "__pycache__" not in file.parts and ".." not in file.parts:
                    zf.write(path, str(file))
        wheels.append(wheel)
    return wheels


def runtime_dir(tmp_path: Path) -> Path:
    """boto3 and its dependencies alone, as the Lambda runtime has them."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    tops = metadata.packages_distributions()
    for top, dists in tops.items():
        if any(d.lower().replace("_", "-") in PROVIDED for d in dists):
            for base in sys.path:
                for candidate in (Path(base) / top, Path(base) / f"{top}.py"):
                    if candidate.exists() and not (folder / candidate.name).exists():
                        os.symlink(candidate, folder / candidate.name)
    return folder


def clean_import(layer_python: Path, runtime: Path, code: str) -> dict[str, object]:
    stdlib = [sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]]
    dynload = [p for p in sys.path if p.endswith("lib-dynload")]
    path = [str(layer_python), str(runtime), *stdlib, *dynload]
    wrapper = f"import sys\nsys.path[:] = {path!r}\n" + code
    proc = subprocess.run(
        [sys.executable, "-I", "-S", "-c", wrapper],
        capture_output=True,
        text=True,
        check=False,
        cwd=layer_python.parent,
        env={"PATH": os.environ.get("PATH", ""), "AWS_DEFAULT_REGION": "eu-west-1"},
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, object] = json.loads(proc.stdout)
    return result


@pytest.fixture(scope="module")
def local_layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("layer") / "layer.zip"
    build_layer(out, python=f"{sys.version_info[0]}.{sys.version_info[1]}", downloader=local_wheels)
    return out


def test_probe_leaves_out_what_the_runtime_has_and_what_it_never_imports() -> None:
    found = probe()
    names = {n for n, _ in found.distributions}
    assert {"jinja2", "markupsafe", "jsonschema"} <= names
    assert not names & PROVIDED  # boto3, botocore, ...
    assert "policyuniverse" not in names  # 8 MB the runtime never imports
    assert "awscrt" not in names  # botocore imports it only because the tests install it
    assert "pyjwt" not in names
    assert "cryptography" not in names
    assert all(m.startswith("policy_engine") for m in found.package_modules)
    for heavy in ("policy_engine.lint", "policy_engine.deploy", "policy_engine.cli"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in found.package_modules)


def test_extras_add_what_they_import() -> None:
    names = {n for n, _ in probe(extras=("authorizer", "proof")).distributions}
    assert {"pyjwt", "cryptography"} <= names
    # the proof reads policyuniverse's action names from the bundled action index
    assert "policyuniverse" not in names
    with pytest.raises(LayerError, match="unknown extra"):
        probe(extras=("gui",))


def test_layer_layout(local_layer: Path) -> None:
    names = zipfile.ZipFile(local_layer).namelist()
    assert names == sorted(names)
    assert all(n.startswith("python/") for n in names)
    assert "python/policy_engine/vend.py" in names
    assert "python/policy_engine/_bundled/policy_templates/catalog.toml" in names
    assert "python/policy_engine/_bundled/schemas/catalog.schema.json" in names
    ours = [n for n in names if n.startswith("python/policy_engine/")]
    assert not any("/lint/" in n or "/deploy/" in n or n.endswith("/cli.py") for n in ours)
    assert not any(n.startswith(("python/boto3/", "python/botocore/")) for n in names)
    assert not any("__pycache__" in n for n in names)
    assert {i.date_time for i in zipfile.ZipFile(local_layer).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_clean_interpreter_imports_the_runtime_from_the_layer(
    local_layer: Path, tmp_path: Path
) -> None:
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    zipfile.ZipFile(local_layer).extractall(unpacked)
    runtime = runtime_dir(tmp_path)
    result = clean_import(unpacked / "python", runtime, PROBE_RUNTIME)
    assert result["role"] == "arn:aws:iam::111122223333:role/saas-tenant-premium"
    files = result["files"]
    assert isinstance(files, dict)
    for name, file in files.items():
        if file is None or name.split(".")[0] in sys.stdlib_module_names:
            continue
        assert file.startswith((str(unpacked), str(runtime))), (name, file)
    assert files["policy_engine"].startswith(str(unpacked / "python" / "policy_engine"))
    assert files["jinja2"].startswith(str(unpacked))


def test_a_layer_without_catalogue_needs_one_given(tmp_path: Path) -> None:
    out = tmp_path / "bare.zip"
    result = build_layer(out, downloader=local_wheels, bundle_catalog=False)
    assert result.catalog is None
    names = zipfile.ZipFile(out).namelist()
    assert not any("policy_templates" in n for n in names)
    assert "python/policy_engine/_bundled/schemas/iam-policy.schema.json" in names


def test_cli_layer_build_prints_the_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import policy_engine.deploy.layer as layer

    monkeypatch.setattr(layer, "pip_download", local_wheels)
    out, err = io.StringIO(), io.StringIO()
    code = run(["layer", "build", "-o", str(tmp_path / "l.zip"), "--format", "json"], out, err)
    assert code == 0, err.getvalue()
    doc = json.loads(out.getvalue())
    assert doc["zipped_bytes"] == (tmp_path / "l.zip").stat().st_size
    assert doc["budget_bytes"] == BUDGET_BYTES


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["layer"], "layer needs a command"),
        (["layer", "build", "-o", "x.zip", "--python", "three"], "--python takes a version"),
        (["layer", "build", "-o", "x.zip", "--catalog", ".", "--no-catalog"], "not both"),
    ],
)
def test_layer_usage_errors(argv: list[str], words: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run(argv, out, err) == 2
    assert words in err.getvalue()


def python_312() -> str | None:
    """A working Python 3.12 interpreter on this machine ($PYTHON312, PATH, pyenv)."""
    candidates = [os.environ.get("PYTHON312"), shutil.which("python3.12")]
    candidates += sorted(str(p) for p in Path.home().glob(".pyenv/versions/3.12*/bin/python3.12"))
    for candidate in candidates:
        if not candidate:
            continue
        check = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.returncode == 0 and check.stdout.strip() == "(3, 12)":
            return candidate
    return None


@pytest.mark.slow
@pytest.mark.parametrize("arch", ["x86_64", "arm64"])
def test_real_wheels_for_lambda_within_budget(tmp_path: Path, arch: str) -> None:
    """pip download from the package index (CI reaches PyPI): manylinux wheels for
    Python 3.12; x86_64 without extras stays within 3 MB zipped; with a Python 3.12
    on this machine (x86_64), the layer is imported in a clean interpreter."""
    out = tmp_path / f"layer-{arch}.zip"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(
        ["layer", "build", "--arch", arch, "--python", "3.12", "-o", str(out)], stdout, stderr
    )
    assert code == 0, stderr.getvalue()
    print(stdout.getvalue())
    size = out.stat().st_size
    names = zipfile.ZipFile(out).namelist()
    machine = "x86_64" if arch == "x86_64" else "aarch64"
    native = [n for n in names if n.endswith(".so")]
    assert native
    assert all(machine in n and "cpython-312" in n for n in native), native
    if arch == "x86_64":
        assert size <= BUDGET_BYTES, f"{size:,} bytes zipped, budget {BUDGET_BYTES:,}"
        python312 = python_312()
        if python312 is not None and os.uname().machine == "x86_64":
            unpacked = tmp_path / "unpacked"
            zipfile.ZipFile(out).extractall(unpacked)
            runtime = runtime_dir(tmp_path)
            code_text = (
                f"import sys\nsys.path[:0] = [{str(unpacked / 'python')!r}, {str(runtime)!r}]\n"
                "import policy_engine.vend, policy_engine.lambda_, policy_engine.guard\n"
                "import policy_engine.authorizer, rpds, markupsafe._speedups\n"
                "from policy_engine.catalog import default_catalog\n"
                "from policy_engine.render import Renderer\n"
                "Renderer(default_catalog()).render_tier('acme', 'basic')\n"
                "print(policy_engine.vend.__file__)\n"
            )
            proc = subprocess.run(
                [python312, "-I", "-c", code_text], capture_output=True, text=True, check=False
            )
            # boto3 is symlinked from this interpreter's site-packages (pure Python)
            assert proc.returncode == 0, proc.stderr
            assert proc.stdout.startswith(str(unpacked))


def test_probe_uses_a_tenant_of_the_catalogue_language(catalogue_copy: Any) -> None:
    """A catalogue without examples whose language refuses `aaa` still probes."""

    def edit(text: str) -> str:
        text = text.replace('examples = ["acme", "acme-corp", "globex", "initech-eu-1"]\n', "")
        return text.replace('pattern = "[a-z0-9]+(-[a-z0-9]+)*"', 'pattern = "t-[a-z0-9]+"')

    found = probe(catalog=str(catalogue_copy(edit)))
    assert "policy_engine.vend" in found.package_modules


def test_layer_vends_with_require_proved_from_a_bundled_certificate(
    catalog_copy: Path, tmp_path: Path
) -> None:
    """README (Use from Lambda, "Proof certificate"): `require_proved=True` checks a
    certificate shipped with the catalogue at cold start, and the layer bundles the
    catalogue so `default_catalog()` works in Lambda. A layer built from a catalogue
    holding its certificate must then let `CredentialVendor(require_proved=True)`
    prepare a vend: `_check_proved` imports `policy_engine.certificate`, which the
    import probe never exercised (it runs `require_proved="prove"` for `--with proof`
    only), so the module was left out of every layer (found adopting the library,
    branch h11-adopt)."""
    from policy_engine.catalog import load_catalog
    from policy_engine.certificate import write_certificate
    from policy_engine.isolation import check_catalog

    catalog = load_catalog(str(catalog_copy))
    write_certificate(catalog, check_catalog(catalog), catalog_copy / "isolation-certificate.json")
    out = tmp_path / "layer.zip"
    build_layer(
        out,
        python=f"{sys.version_info[0]}.{sys.version_info[1]}",
        catalog=catalog_copy,
        downloader=local_wheels,
    )
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(out).extractall(unpacked)
    code = (
        "import json\n"
        "from policy_engine.catalog import default_catalog\n"
        "from policy_engine.vend import CredentialVendor\n"
        "vendor = CredentialVendor(default_catalog(), sts_client=object(), require_proved=True)\n"
        "print(json.dumps({'role': vendor.prepare('acme', 'basic').role_arn}))\n"
    )
    result = clean_import(unpacked / "python", runtime_dir(tmp_path), code)
    assert str(result["role"]).endswith(":role/saas-tenant-basic")
