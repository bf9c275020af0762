"""The ``policy-engine`` command line: ``main(argv)`` over ``run(args, stdout, stderr)``.

Exit codes: 0 success, 1 findings (later subcommands), 2 bad usage or unreadable
input. Results go to stdout as one document; messages go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from . import __version__
from .errors import PolicyEngineError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad command-line usage (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


Handler = Callable[[argparse.Namespace, TextIO, TextIO], int]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="policy-engine",
        description="Tenant-isolating IAM policies for pooled serverless SaaS on AWS.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    render = sub.add_parser(
        "render",
        help="render a tier's session policy (or one template) for a tenant",
        description=(
            "Print the policy JSON for one tenant. Without --template: the tier's session "
            "policy (every session template of the tier, combined), as sent to STS. With "
            "--template: that one template (a session, role or API template of the tier). "
            "With --api: the tier's API Gateway policy, as the authorizer returns it."
        ),
    )
    render.add_argument("--tenant", required=True, help="tenant ID")
    render.add_argument("--tier", required=True, help="tier name")
    which = render.add_mutually_exclusive_group()
    which.add_argument("--template", help="render only this template")
    which.add_argument(
        "--api", action="store_true", help="the tier's execute-api:Invoke policy (authorizer)"
    )
    render.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    render.add_argument("--minify", action="store_true", help="print minified JSON")
    render.set_defaults(handler=_cmd_render)

    sim = sub.add_parser(
        "simulate",
        help="decide one request against policies, or run a table of policy test cases",
        description=(
            "Evaluate one request as IAM would: explicit deny wins; identity (or "
            "resource-based) policies must allow, and so must the session policy and "
            "boundary when given. Or run table-driven cases with --cases FILE."
        ),
    )
    sim.add_argument("--policy", help="identity policy JSON file (repeatable)", action="append")
    sim.add_argument("--session-policy", help="session policy JSON file")
    sim.add_argument("--boundary", help="permissions boundary JSON file")
    sim.add_argument("--resource-policy", help="resource-based policy JSON file")
    sim.add_argument("--action", help="action, such as s3:GetObject")
    sim.add_argument("--resource", help="resource ARN")
    sim.add_argument("--principal", help="caller ARN (default: an assumed-role session)")
    sim.add_argument("--context-json", help="JSON file: condition key -> string or list")
    sim.add_argument("--format", choices=("text", "json"), default="text")
    sim.add_argument("--expect", choices=("allow", "deny"), help="exit 1 if the decision differs")
    sim.add_argument("--cases", help="JSON file of test cases (see the README)")
    sim.set_defaults(handler=_cmd_simulate)

    iso = sub.add_parser(
        "check-isolation",
        help="prove that no tenant of a tier can reach another tenant's data",
        description=(
            "For every tier (or --tier), prove that the session policy intersected with the "
            "tier role's policies allows no request on another tenant's partition of any "
            "resource in the resource model, and no request that names no partition. "
            "Exit 0 only when every tier checked is proved."
        ),
    )
    iso.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    iso.add_argument("--tier", action="append", help="check only this tier (repeatable)")
    iso.add_argument("--format", choices=("text", "json"), default="text")
    iso.add_argument(
        "--stage", help="apply [stages.STAGE.constants] (default: $POLICY_ENGINE_STAGE)"
    )
    iso.add_argument(
        "--certificate",
        metavar="FILE",
        help="write a proof certificate (catalogue content hash + per-tier result) to FILE, "
        "for `require_proved=True` at cold start; written whatever the result",
    )
    iso.set_defaults(handler=_cmd_check_isolation)

    vend = sub.add_parser(
        "vend",
        help="assume the tier role for a tenant and print what was vended",
        description=(
            "Call sts:AssumeRole with the tier's role, the tenant's session policy, session "
            "name, source identity and tags. Prints tenant, tier, role, session name, "
            "expiry and policy hash; the secret values only with --show-secrets."
        ),
    )
    vend.add_argument("--tenant", required=True)
    vend.add_argument("--tier", required=True)
    vend.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    vend.add_argument("--endpoint-url", help="STS endpoint (e.g. a local moto server)")
    vend.add_argument("--region", help="AWS region of the STS client")
    vend.add_argument("--format", choices=("text", "json"), default="text")
    vend.add_argument("--show-secrets", action="store_true", help="also print the secret keys")
    vend.set_defaults(handler=_cmd_vend)

    lint = sub.add_parser(
        "lint",
        help="lint a catalogue (default: the bundled one) or plain policy files",
        description=(
            "With no PATH, lint the catalogue: every template of every tier rendered for probe "
            "tenants, hostile tenant IDs, sizes, every rule and the isolation proof. PATHs are "
            "policy JSON files or catalogue folders. Exit 0 clean, 1 findings at or above "
            "--fail-on, 2 when nothing could be linted."
        ),
    )
    lint.add_argument("paths", nargs="*", metavar="PATH")
    lint.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    lint.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    lint.add_argument("--fail-on", choices=("error", "warning"), default="error")
    lint.add_argument(
        "--stage", help="apply [stages.STAGE.constants] (default: $POLICY_ENGINE_STAGE)"
    )
    lint.add_argument(
        "--policy-kind",
        choices=("identity", "session", "resource", "trust", "any"),
        default="any",
        help="the kind of plain policy files (default: any)",
    )
    lint.add_argument("--rules", action="store_true", help="print the rule catalogue and exit")
    lint.set_defaults(handler=_cmd_lint)
    return parser


def _cmd_lint(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pathlib import Path

    from .catalog import load_catalog
    from .errors import CatalogError
    from .lint import Finding, lint_catalog, lint_files, render_report, rule_catalogue, should_fail

    rules = rule_catalogue()
    if args.rules:
        for rid, severity, summary in rules:
            stdout.write(f"{rid}  {severity:<7}  {summary}\n")
        return EXIT_OK
    findings: list[Finding] = []
    linted = 0
    files: list[Path] = []
    catalogs = [] if args.paths else [args.catalog]
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            catalogs.append(raw)
        else:
            files.append(path)
    for folder in catalogs:
        try:
            catalog = load_catalog(folder, stage=args.stage)
        except CatalogError as exc:
            where = folder or "bundled catalogue"
            findings.append(
                Finding("PE001", "error", exc.detail, exc.file, None, exc.key_path or "$")
            )
            stderr.write(f"policy-engine: error: cannot load catalogue `{where}`: {exc}\n")
            continue
        linted += 1
        findings.extend(lint_catalog(catalog))
    if files:
        found, readable = lint_files(files, kind=args.policy_kind)
        findings.extend(found)
        linted += readable
    if linted == 0:
        stderr.write("policy-engine: error: nothing could be linted\n")
        return EXIT_USAGE
    stdout.write(render_report(findings, args.format, rules) + "\n")
    return EXIT_FINDINGS if should_fail(findings, args.fail_on) else EXIT_OK


def _cmd_vend(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .catalog import load_catalog
    from .vend import CredentialVendor

    vendor = CredentialVendor(
        load_catalog(args.catalog), endpoint_url=args.endpoint_url, region=args.region
    )
    request = vendor.prepare(args.tenant, args.tier)
    frozen = vendor.credentials_for(args.tenant, args.tier)
    values = frozen.get_frozen_credentials()
    expiry_time = getattr(frozen, "_expiry_time", None)  # botocore keeps it private
    expiry = expiry_time.isoformat() if expiry_time is not None else None
    doc: dict[str, object] = {
        "tenant": request.tenant,
        "tier": request.tier,
        "role_arn": request.role_arn,
        "session_name": request.session_name,
        "duration_seconds": request.duration_seconds,
        "expiration": expiry,
        "policy_hash": request.policy_hash,
        "policy_characters": len(request.policy),
        "access_key_id": values.access_key,
    }
    if args.show_secrets:
        doc["secret_access_key"] = values.secret_key
        doc["session_token"] = values.token
    if args.format == "json":
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        for key, value in doc.items():
            stdout.write(f"{key}: {value}\n")
    return EXIT_OK


def _cmd_check_isolation(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .catalog import load_catalog
    from .isolation import check_catalog

    catalog = load_catalog(args.catalog, stage=args.stage)
    for name in args.tier or ():
        catalog.tier(name)
    results = check_catalog(catalog, tiers=args.tier)
    if args.certificate:
        from pathlib import Path

        from .certificate import write_certificate

        target = Path(args.certificate)
        try:
            write_certificate(catalog, results, target)
        except OSError as exc:
            stderr.write(
                f"policy-engine: error: cannot write the certificate `{target}`: "
                f"{exc.strerror or exc}\n"
            )
            return EXIT_USAGE
        stderr.write(f"policy-engine: proof certificate written to {target}\n")
    if args.format == "json":
        doc = {"tiers": {name: r.to_json() for name, r in results.items()}}
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        for name, r in results.items():
            stdout.write(f"{name}: {r.status} ({r.checks} checks, {r.seconds * 1000:.0f} ms)\n")
            for v in r.violations:
                stdout.write(f"  violation: {v.describe()}\n")
            for u in r.unknown:
                stdout.write(f"  unknown: {u.describe()}\n")
    return EXIT_OK if all(r.status == "proved" for r in results.values()) else EXIT_FINDINGS


def _read_json(path: str, what: str) -> Any:
    from .parse import decode_json

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {what} `{path}`: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise UsageError(f"{what} `{path}` is not UTF-8 text") from exc
    return decode_json(text, source=path)


def _cmd_simulate(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .evaluate import DEFAULT_PRINCIPAL, Request, evaluate
    from .model import Policy
    from .parse import parse_policy
    from .schema import PolicyKind
    from .simulate import parse_context, run_cases

    if args.cases:
        conflicting = [
            flag
            for flag, value in (
                ("--policy", args.policy),
                ("--session-policy", args.session_policy),
                ("--boundary", args.boundary),
                ("--action", args.action),
                ("--resource", args.resource),
                ("--expect", args.expect),
            )
            if value
        ]
        if conflicting:
            raise UsageError(
                f"--cases runs a file of cases; do not combine it with {conflicting[0]}"
            )
        results = run_cases(_read_json(args.cases, "cases file"))
        passed = sum(r.ok for r in results)
        failed = len(results) - passed
        if args.format == "json":
            stdout.write(
                json.dumps(
                    {"passed": passed, "failed": failed, "results": [r.to_json() for r in results]},
                    indent=2,
                )
                + "\n"
            )
        else:
            for r in results:
                if not r.ok:
                    want = "allow" if r.expected else "deny"
                    stdout.write(
                        f"FAIL {r.label}: expected {want}, got {r.decision.decision} "
                        f"({r.decision.reason})\n"
                    )
            stdout.write(f"{passed} passed, {failed} failed\n")
        return EXIT_FINDINGS if failed else EXIT_OK

    missing = [
        f
        for f, v in (
            ("--policy", args.policy),
            ("--action", args.action),
            ("--resource", args.resource),
        )
        if not v
    ]
    if missing:
        raise UsageError(f"simulate needs {', '.join(missing)} (or --cases FILE)")

    def load(path: str | None, kind: PolicyKind) -> list[Policy]:
        if not path:
            return []
        return [parse_policy(_read_json(path, f"{kind} policy"), kind=kind, source=path)]

    identity = [p for path in args.policy for p in load(path, "identity")]
    context = (
        parse_context(_read_json(args.context_json, "context file"), "$")
        if args.context_json
        else {}
    )
    request = Request(
        args.action, args.resource, context, principal=args.principal or DEFAULT_PRINCIPAL
    )
    decision = evaluate(
        request,
        identity=identity,
        session=load(args.session_policy, "session"),
        boundary=load(args.boundary, "boundary"),
        resource=load(args.resource_policy, "resource"),
    )
    if args.format == "json":
        stdout.write(json.dumps(decision.to_json(), indent=2) + "\n")
    else:
        stdout.write(f"{decision.decision}: {decision.reason}\n")
        for ref in decision.matched:
            stdout.write(f"  {ref.effect} {ref.kind} {ref}\n")
    if args.expect == "allow" and not decision.allowed:
        return EXIT_FINDINGS
    if args.expect == "deny" and decision.allowed:
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_render(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .catalog import load_catalog
    from .model import dumps
    from .render import Renderer

    catalog = load_catalog(args.catalog)
    renderer = Renderer(catalog)
    if args.template:
        policy = renderer.render_template(args.tenant, args.tier, args.template)
    elif args.api:
        policy = renderer.render_api(args.tenant, args.tier)
    else:
        policy = renderer.render_tier(args.tenant, args.tier)
    stdout.write(dumps(policy, minify=args.minify) + "\n")
    return EXIT_OK


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the CLI with explicit streams; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except UsageError as exc:
        stderr.write(f"policy-engine: error: {exc}\n")
        return EXIT_USAGE
    if args.version:
        from ._iamdata import data_sources

        stdout.write(f"policy-engine {__version__}\n{data_sources()}\n")
        return EXIT_OK
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        stderr.write("policy-engine: error: a command is required (see `policy-engine --help`)\n")
        return EXIT_USAGE
    try:
        return handler(args, stdout, stderr)
    except UsageError as exc:
        stderr.write(f"policy-engine: error: {_one_line(str(exc))}\n")
        return EXIT_USAGE
    except PolicyEngineError as exc:
        stderr.write(f"policy-engine: error: {_one_line(str(exc))}\n")
        return EXIT_USAGE


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr))
