"""IaC lint: a generated 1,000-resource CloudFormation template through our lint and
through cfn-lint (and checkov when installed) on the same file
(``python -m bench.run iac``). Prints the time of each and which tenant-isolation
problems each reports."""

from __future__ import annotations

import json
import shutil
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


def _timed(argv: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.stdout


@benchmark("iac")
def run() -> list[Result]:
    results = []
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
            results.append(Result("cfn-lint, same template", ours, "s", "", "cfn-lint", theirs))
        else:
            print("cfn-lint is not installed: no peer figure")
        checkov = shutil.which("checkov")
        if checkov:
            theirs, out = _timed([checkov, "-f", str(path), "-o", "json", "--compact"])
            results.append(Result("checkov, same template", ours, "s", "", "checkov", theirs))
        else:
            print("checkov is not installed here: no checkov figure")
    return results
