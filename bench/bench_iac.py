"""IaC lint: a generated 1,000-resource CloudFormation template through our lint and
through cfn-lint and checkov on the same file (``python -m bench.run iac``). Prints
the median time of each and what each reports. checkov is installed on first use into
``bench/.venvs/checkov`` (git-ignored; it conflicts with the project's pins), with pip
from the configured registries; if that fails the bench says why and goes on."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._harness import Result, benchmark


def template(resources: int = 1000) -> str:
    """YAML: per group of four a bucket, a bucket policy, a role with an inline policy
    (tenant-scoped by tag, except every 25th role: a whole-table Scan) and a queue."""
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:"]
    for i in range(resources // 4):
        scan = i % 25 == 0
        lines += [
            f"  Bucket{i}:",
            "    Type: AWS::S3::Bucket",
            f"    Properties: {{BucketName: pooled-docs-{i}}}",
            f"  BucketPolicy{i}:",
            "    Type: AWS::S3::BucketPolicy",
            "    Properties:",
            f"      Bucket: !Ref Bucket{i}",
            "      PolicyDocument:",
            '        Version: "2012-10-17"',
            "        Statement:",
            "          - Effect: Deny",
            '            Principal: "*"',
            "            Action: s3:*",
            f'            Resource: !Sub "${{Bucket{i}.Arn}}/*"',
            '            Condition: {Bool: {"aws:SecureTransport": "false"}}',
            f"  Role{i}:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            f"      RoleName: tenant-role-{i}",
            "      AssumeRolePolicyDocument:",
            '        Version: "2012-10-17"',
            "        Statement:",
            "          - Effect: Allow",
            '            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}',  # noqa: E501
            "            Action: [sts:AssumeRole, sts:TagSession]",
            "      Policies:",
            "        - PolicyName: data",
            "          PolicyDocument:",
            '            Version: "2012-10-17"',
            "            Statement:",
            "              - Effect: Allow",
            "                Action: [s3:GetObject, s3:PutObject]",
            f'                Resource: !Sub "${{Bucket{i}.Arn}}/${{!aws:PrincipalTag/TenantId}}/*"',  # noqa: E501
            "              - Effect: Allow",
            "                Action: [dynamodb:GetItem, dynamodb:Query"
            + (", dynamodb:Scan]" if scan else "]"),
            '                Resource: !Sub "arn:${AWS::Partition}:dynamodb:${AWS::Region}:'
            '${AWS::AccountId}:table/orders"',
        ]
        if not scan:
            lines += [
                "                Condition:",
                '                  "ForAllValues:StringEquals": '
                '{"dynamodb:LeadingKeys": ["${aws:PrincipalTag/TenantId}"]}',
                '                  "Null": {"dynamodb:LeadingKeys": "false"}',
            ]
        lines += [f"  Queue{i}:", "    Type: AWS::SQS::Queue"]
    return "\n".join(lines) + "\n"


#: checkov conflicts with the project's pins, so it lives in a venv of its own.
CHECKOV_VENV = Path(__file__).resolve().parent / ".venvs" / "checkov"
CHECKOV_SPEC = os.environ.get("BENCH_CHECKOV", "checkov>=3,<4")
#: Runs of each tool; the median is the figure (the machine is shared: say so).
REPEAT = int(os.environ.get("BENCH_IAC_REPEAT", "3"))


def _timed(argv: list[str]) -> tuple[float, str]:
    """The median wall time of ``REPEAT`` runs, and the last run's stdout."""
    samples, out = [], ""
    for _ in range(max(REPEAT, 1)):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        samples.append(time.perf_counter() - start)
        out = done.stdout
    return statistics.median(samples), out


def checkov_executable() -> Path | None:
    """checkov in ``bench/.venvs/checkov``, installed there on first use with pip from
    the configured registries; ``None`` (after saying why) when that fails."""
    exe = CHECKOV_VENV / "bin" / "checkov"
    if exe.exists():
        return exe
    print(f"installing {CHECKOV_SPEC} into {CHECKOV_VENV} (once; kept out of .venv) ...")
    base = getattr(sys, "_base_executable", sys.executable)
    steps = [
        [base, "-m", "venv", str(CHECKOV_VENV)],
        [str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", CHECKOV_SPEC],
    ]  # fmt: skip
    for argv in steps:
        try:
            done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"checkov could not be installed ({' '.join(argv[:3])}...): {exc}")
            return None
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            print(f"checkov could not be installed (exit {done.returncode} from "
                  f"{' '.join(argv[:4])}): " + " | ".join(tail))  # fmt: skip
            return None
    if not exe.exists():
        print(f"checkov could not be installed: pip succeeded but {exe} is missing")
        return None
    return exe


def _version(exe: Path) -> str:
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "?"


@benchmark("iac")
def run() -> list[Result]:
    results = []
    print(f"each figure: the median of {REPEAT} runs from the shell")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "big.yaml"
        path.write_text(template(), encoding="utf-8")
        ours, out = _timed([sys.executable, "-m", "policy_engine", "lint", "--format", "json",
                            str(path)])  # fmt: skip
        found = json.loads(out)["findings"]
        rules = sorted({f["rule"] for f in found if f["severity"] != "info"})
        print(f"policy-engine: {len(found)} findings, rules {rules} "
              f"(PE080 on the {sum(f['rule'] == 'PE080' for f in found)} whole-table Scans)")  # fmt: skip  # noqa: E501
        results.append(
            Result("policy-engine lint, 1,000-resource YAML template (shell)", ours, "s", "<= 2 s")
        )
        cfn_lint = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
        if Path(cfn_lint).exists():
            theirs, out = _timed([cfn_lint, "--format", "json", str(path)])
            matches = json.loads(out or "[]")
            print(f"cfn-lint: {len(matches)} matches, rules "
                  f"{sorted({m['Rule']['Id'] for m in matches})} (no tenant rules)")  # fmt: skip
            results.append(_versus("cfn-lint", ours, theirs))
        else:
            print("cfn-lint is not installed (pip install -e '.[test]'): no cfn-lint figure")
        checkov = checkov_executable()
        if checkov is not None:
            theirs, out = _timed([str(checkov), "-f", str(path), "-o", "json", "--compact"])
            print(f"checkov {_version(checkov)}: {_checkov_failed(out)}")
            results.append(_versus("checkov", ours, theirs))
    return results


def _versus(peer: str, ours: float, theirs: float) -> Result:
    """The row of our lint time on the template, with ``peer``'s on the same one: the
    value is ours, the peer's and the ratio follow it."""
    return Result(f"policy-engine lint vs {peer}, same template", ours, "s", "", peer, theirs)


def _checkov_failed(out: str) -> str:
    try:
        report = json.loads(out)
    except ValueError:
        return "no JSON report"
    reports = report if isinstance(report, list) else [report]
    failed = [
        c.get("check_id")
        for r in reports
        if isinstance(r, dict)
        for c in r.get("results", {}).get("failed_checks", [])
    ]
    return f"{len(failed)} failed checks, ids {sorted(set(failed))}"
