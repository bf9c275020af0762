from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.cli import run
from policy_engine.lint import lint_catalog, lint_files, rules_markdown

Edit = Callable[[str, str, str], Path]
ROOT = Path(__file__).resolve().parents[2]


def doc(*statements: dict[str, Any], version: str = "2012-10-17") -> dict[str, Any]:
    return {"Version": version, "Statement": list(statements)}


def allow(action: Any, resource: Any = "*", **kw: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **kw}


#: Policies written for this project, each with the rule IDs the lint must report.
CORPUS: list[tuple[str, dict[str, Any], set[str], str]] = [
    (case["name"], case["policy"], set(case["expected"]), case.get("kind", "identity"))
    for case in json.loads((ROOT / "tests/cases/lint_corpus.json").read_text(encoding="utf-8"))[
        "cases"
    ]
]


def test_corpus_size() -> None:
    assert len(CORPUS) >= 40
    assert len({case[0] for case in CORPUS}) == len(CORPUS)
    assert sum(1 for case in CORPUS if not case[2]) >= 10  # good policies too


@pytest.mark.parametrize(
    ("name", "document", "expected", "kind"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_corpus(
    name: str, document: dict[str, Any], expected: set[str], kind: str, tmp_path: Path
) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    findings, readable = lint_files([path], kind=kind)
    assert readable == 1
    assert {f.rule for f in findings} == expected, [f.message for f in findings]


def test_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(doc(allow("s3:GetObjekt"))), encoding="utf-8")
    (finding,) = lint_files([path])[0]
    assert finding.message == "unknown action `s3:GetObjekt`; did you mean `s3:GetObject`?"
    assert finding.line == 1


@pytest.mark.parametrize(
    ("action", "message"),
    [
        # a typo in the action name: the service's closest action, as documented
        ("ec2:DescribeInstancs", "unknown action `ec2:DescribeInstancs`; did you mean "
         "`ec2:DescribeInstances`?"),
        ("dynamodb:DeleteItems", "unknown action `dynamodb:DeleteItems`; did you mean "
         "`dynamodb:DeleteItem`?"),
        ("sts:AssumeRol", "unknown action `sts:AssumeRol`; did you mean `sts:AssumeRole`?"),
        # wrong case, and a typo: case is no typo
        ("S3:GETOBJEKT", "unknown action `S3:GETOBJEKT`; did you mean `s3:GetObject`?"),
        ("DynamoDB:getitems", "unknown action `DynamoDB:getitems`; did you mean "
         "`dynamodb:GetItem`?"),
        # a typo in the service prefix: the same action of the service that has it
        ("s4:GetObject", "unknown service prefix `s4`; did you mean `s3:GetObject`?"),
        ("lamda:InvokeFunction", "unknown service prefix `lamda`; did you mean "
         "`lambda:InvokeFunction`?"),
        ("ec:DescribeInstances", "unknown service prefix `ec`; did you mean "
         "`ec2:DescribeInstances`?"),
        ("Dynamdb:GetItem", "unknown service prefix `dynamdb`; did you mean "
         "`dynamodb:GetItem`?"),
        # typos in both: the closest service's closest action
        ("lamda:InvokeFunctoin", "unknown service prefix `lamda`; did you mean "
         "`lambda:InvokeFunction`?"),
        # a wildcard after an unknown prefix: the service alone
        ("lamda:Invoke*", "unknown service prefix `lamda`; did you mean `lambda`?"),
        # nothing alike: no guess
        ("xyzzy:Frobnicate", "unknown service prefix `xyzzy`"),
        ("s3:Qqqqqqqq", "unknown action `s3:Qqqqqqqq`"),
    ],
)  # fmt: skip
def test_did_you_mean_hints(action: str, message: str) -> None:
    from policy_engine.lint import lint_text

    findings = [f for f in lint_text(json.dumps(doc(allow(action)))) if f.rule == "PE060"]
    assert [f.message for f in findings] == [message]


def test_bundled_catalogue_is_clean() -> None:
    findings = lint_catalog(default_catalog())
    assert [f for f in findings if not f.suppressed] == []
    assert {f.rule for f in findings} == {"PE040"}  # suppressed, with its reason


def test_session_statement_outside_the_role_is_empty_after_intersection(edit: Edit) -> None:
    from policy_engine.catalog import load_catalog

    root = edit(
        "session/jobs.json.j2", ":{{ jobs_queue_prefix }}-{{ tenant }}", ":other-{{ tenant }}"
    )
    findings = lint_catalog(load_catalog(root), isolation=False)
    empty = [f for f in findings if f.rule == "PE071"]
    assert {f.tier for f in empty} == {"basic", "standard", "premium"}
    assert all(f.template == "jobs" and f.file.endswith("jobs.json.j2") for f in empty)
    assert all(f.line == 5 for f in empty)  # the statement's Sid line
    assert "`JobsOwnQueue` allows nothing the tier's role policies allow" in empty[0].message


def test_packed_size_risk_counts_the_session_tags() -> None:
    from policy_engine.lint import Target, lint_target
    from policy_engine.model import dumps
    from policy_engine.render import Renderer

    session = Renderer(default_catalog()).render_tier("acme", "standard")
    size = len(dumps(session, minify=True))
    tags = (("TenantId", 2048 - size), ("Tier", 8))
    target = Target(session, {}, "session", "m", "standard", extra={"session_tags": tags})
    (finding,) = [f for f in lint_target(target) if f.rule == "PE041"]
    assert "PackedPolicyTooLarge" in finding.message
    short = Target(session, {}, "session", "m", "standard", extra={"session_tags": tags[1:]})
    assert not [f for f in lint_target(short) if f.rule == "PE041"]


def test_isolation_violation_is_a_finding_with_template_line(edit: Edit) -> None:
    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/{{ tenant }}*"')
    from policy_engine.catalog import load_catalog

    findings = lint_catalog(load_catalog(root))
    rules = {f.rule for f in findings if not f.suppressed}
    assert "PE090" in rules


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def test_cli_formats_and_exit_codes(tmp_path: Path) -> None:
    code, out, _ = cli("lint", "-q")
    assert code == 0
    assert out.strip().endswith("0 errors, 0 warnings, 0 info, 1 suppressed")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc(allow("*"), allow("s3:*", "arn:aws:s3:::b/*"))), "utf-8")
    code, out, _ = cli("lint", str(bad), "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert {f["rule"] for f in report["findings"]} == {"PE010", "PE011", "PE070", "PE080"}
    code, _, _ = cli("lint", str(bad), "--fail-on", "warning")
    assert code == 1
    warn_only = tmp_path / "warn.json"
    warn_only.write_text(json.dumps(doc(allow("s3:*", "arn:aws:s3:::b/*"))), "utf-8")
    assert cli("lint", str(warn_only))[0] == 0
    assert cli("lint", str(warn_only), "--fail-on", "warning")[0] == 1
    code, out, _ = cli("lint", str(bad), "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    assert {r["id"] for r in run0["tool"]["driver"]["rules"]} >= {"PE010", "PE090"}
    assert run0["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_cli_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "Statement": [,]\n}', "utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc(allow("*"))), "utf-8")
    code, out, _ = cli("lint", str(broken), str(good), "--format", "json")
    assert code == 1
    report = json.loads(out)
    rules = {(Path(f["file"]).name, f["rule"], f["line"]) for f in report["findings"]}
    assert ("broken.json", "PE000", 2) in rules  # invalid JSON, with its line
    assert ("good.json", "PE010", 1) in rules  # one bad file hides nothing of the others
    # Nothing linted: exit 2 and one line on stderr naming what could not be read (the
    # missing file was named nowhere before; a catalogue's failure took two lines).
    code, out, err = cli("lint", str(tmp_path / "missing.json"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert "nothing could be linted" in err
    assert "missing.json" in err, err
    code, out, err = cli("lint", str(tmp_path))  # a folder without a manifest
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1, err
    assert "cannot load catalogue" in err


def test_rules_doc_is_generated_from_the_registry() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_pre_commit_hooks_file() -> None:
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "entry: policy-engine lint" in text


def test_unscoped_read_in_a_catalogue_and_text_report_grouping(edit: Edit) -> None:
    from policy_engine.catalog import load_catalog
    from policy_engine.lint import render_report, rule_catalogue

    root = edit("session/documents.json.j2", '/{{ tenant }}/*"', '/*"')
    findings = lint_catalog(load_catalog(root), isolation=False)
    reads = [f for f in findings if f.rule == "PE080"]
    assert {f.tier for f in reads} == {"basic", "standard", "premium"}
    assert all(f.template == "documents" and f.line == 5 for f in reads)
    text = render_report(findings, "text", rule_catalogue())
    header = next(line for line in text.splitlines() if line.endswith("(template documents)"))
    assert header.endswith("documents.json.j2 (template documents)")
    # isolation-relevant on a pooled resource: an error in a catalogue's session template
    assert ":5 error PE080 [basic, standard, premium] $.Statement[0]: `s3:GetObject`" in text
    # the role template that grants the whole bucket is not reported: sessions narrow it
    assert not [f for f in findings if f.rule == "PE080" and f.template == "role-tier"]


@pytest.mark.parametrize("indent", [None, 1, 2])
def test_finding_lines_are_the_reference_lines(indent: int | None) -> None:
    """The lines found once per target (``lint_target``) are those ``_line`` finds per
    finding, Sids repeated, missing and shared included."""
    from policy_engine.errors import PolicyEngineError
    from policy_engine.lint import Target, _line, lint_target
    from policy_engine.model import policy_from_obj

    docs = [case[1] for case in CORPUS]
    docs.append(json.loads((ROOT / "bench/lint_policies.json").read_text("utf-8"))["bad_14"])
    docs.append(doc(allow("*", Sid="A"), allow("s3:*", Sid="A"), allow("iam:*"), allow("*")))
    checked = 0
    for document in docs:
        text = json.dumps(document, indent=indent)
        try:
            policy = policy_from_obj(document)
        except PolicyEngineError:
            continue  # a corpus case of the schema rule
        target = Target(policy, document, "any", "p.json", source_text=text)
        for f in lint_target(target):
            assert f.line == _line(text, f.path, target), (f.rule, f.path)
            checked += 1
    assert checked > 50
