"""The ``policy-engine`` command line: ``main(argv)`` over ``run(args, stdout, stderr)``.

Exit codes: 0 success, 1 findings (later subcommands), 2 bad usage or unreadable
input. Results go to stdout as one document; messages go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
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
    render.add_argument(
        "--tenant", help="tenant ID (not needed for a role template: it never sees one)"
    )
    render.add_argument("--tier", help="tier name (required but with --resource)")
    which = render.add_mutually_exclusive_group()
    which.add_argument(
        "--resource",
        help="the resource policy (`policy`) of this resource of the model: one document "
        "for every tenant and tier, to deploy on the bucket, key, queue...",
    )
    which.add_argument("--template", help="render only this template")
    which.add_argument(
        "--api", action="store_true", help="the tier's execute-api:Invoke policy (authorizer)"
    )
    render.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    render.add_argument("--minify", action="store_true", help="print minified JSON")
    _stage_option(render)
    render.set_defaults(handler=_cmd_render)

    sim = sub.add_parser(
        "simulate",
        help="decide one request against policies, or run a table of policy test cases",
        description=(
            "Evaluate one request as IAM would: explicit deny wins; identity (or "
            "resource-based) policies must allow, and so must the session policy and "
            "boundary when given. A resource-based policy that names the caller itself "
            "is not limited by them; across accounts both sides must allow. Or run "
            "table-driven cases with --cases FILE."
        ),
    )
    sim.add_argument("--policy", help="identity policy JSON file (repeatable)", action="append")
    sim.add_argument("--session-policy", help="session policy JSON file")
    sim.add_argument("--boundary", help="permissions boundary JSON file")
    sim.add_argument("--resource-policy", help="resource-based policy JSON file")
    sim.add_argument("--action", help="action, such as s3:GetObject")
    sim.add_argument("--resource", help="resource ARN")
    sim.add_argument(
        "--resource-account",
        help="account that owns the resource (default: the account in the resource ARN, "
        "else the caller's account); another account than the caller's makes the request "
        "cross-account",
    )
    sim.add_argument(
        "--principal",
        help="caller: an assumed-role session, federated-user or IAM user ARN, an account "
        "root ARN, or a service principal (default: an assumed-role session in the "
        "resource's account)",
    )
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
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="check the tiers in N worker processes (default 1: serial); same output",
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
    _stage_option(vend)
    vend.set_defaults(handler=_cmd_vend)

    lint = sub.add_parser(
        "lint",
        help="lint a catalogue (default: the bundled one) or plain policy files",
        description=(
            "With no PATH, lint the catalogue: every template of every tier rendered for probe "
            "tenants, hostile tenant IDs, sizes, every rule and the isolation proof. PATHs are "
            "policy JSON files, catalogue folders, CloudFormation / SAM templates (YAML or "
            "JSON) or Terraform plans (`terraform show -json`), told apart by their content. "
            "With --catalog, templates are also checked against the catalogue: tier roles "
            "drift, trust for vending, and the isolation proof on the deployed policies. "
            "Exit 0 clean, 1 findings at or above --fail-on, 2 when nothing could be linted."
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
    lint.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a template parameter or pseudo parameter (AWS::AccountId=...) (repeatable)",
    )
    lint.add_argument(
        "--jobs",
        type=_jobs,
        default=1,
        metavar="N",
        help="lint and prove a catalogue's tiers in N worker processes (default 1: serial); "
        "same output",
    )
    lint.add_argument("--rules", action="store_true", help="print the rule catalogue and exit")
    lint.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="text report: only the findings and the count line, no summary",
    )
    lint.set_defaults(handler=_cmd_lint)
    _add_deploy_commands(sub)
    return parser


# -- deploy: describe, export, layer build, plan --------------------------------------


def _add_deploy_commands(sub: Any) -> None:
    describe = sub.add_parser(
        "describe",
        help="show the catalogue's tiers with their limits (usage plan, concurrency, duration)",
    )
    describe.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    describe.add_argument("--tier", action="append", help="only this tier (repeatable)")
    describe.add_argument("--format", choices=("text", "json"), default="text")
    _stage_option(describe)
    describe.set_defaults(handler=_cmd_describe)

    export = sub.add_parser(
        "export",
        help="write a CloudFormation or SAM template: tier roles, vending policy, usage plans",
        description=(
            "Write the stack template of the catalogue: one IAM role per tier (role templates, "
            "trust for the execution roles given as a parameter), the managed policy the "
            "service functions need to vend, usage plans with API keys whose values live in "
            "Secrets Manager, and outputs. With --tenant: the per-tenant template of a tier's "
            "silo resources, to nest once per tenant."
        ),
    )
    export.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    export.add_argument("--format", choices=("cloudformation", "sam"), default="cloudformation")
    export.add_argument(
        "--syntax", choices=("json", "yaml"), help="default: from --output's suffix, else json"
    )
    export.add_argument("--output", "-o", help="write to FILE (default: stdout)")
    export.add_argument("--tenant", help="the per-tenant template of silo resources")
    export.add_argument("--tier", help="with --tenant: the tenant's tier")
    export.add_argument(
        "--layer-uri", default="layer.zip", help="SAM: the layer zip (default layer.zip)"
    )
    export.add_argument("--arch", choices=("x86_64", "arm64"), default="x86_64")
    export.add_argument("--python", default="3.12", help="SAM: the layer's Python (3.12)")
    _stage_option(export)
    export.set_defaults(handler=_cmd_export)

    layer = sub.add_parser("layer", help="build the Lambda layer of the runtime modules")
    layer_sub = layer.add_subparsers(dest="layer_command", metavar="COMMAND", parser_class=_Parser)
    build = layer_sub.add_parser(
        "build",
        help="build layer.zip (python/ at the top, wheels for the Lambda platform)",
        description=(
            "Zip the policy-engine runtime modules (vend, lambda_, guard, authorizer and what "
            "they import) with wheels for the target platform (pip download; needs the "
            "package index). boto3 and botocore are left out: the runtime has them."
        ),
    )
    build.add_argument("--output", "-o", required=True, help="the zip to write")
    build.add_argument("--arch", choices=("x86_64", "arm64"), default="x86_64")
    build.add_argument("--python", default="3.12", help="target Python version (default 3.12)")
    build.add_argument(
        "--with",
        dest="extras",
        action="append",
        choices=("authorizer", "proof"),
        default=[],
        help="authorizer: PyJWT and cryptography; proof: what require_proved needs",
    )
    build.add_argument("--catalog", help="catalogue to bundle (default: the bundled example)")
    build.add_argument("--no-catalog", action="store_true", help="bundle no catalogue")
    build.add_argument("--format", choices=("text", "json"), default="text")
    build.set_defaults(handler=_cmd_layer_build)
    layer.set_defaults(handler=_cmd_layer_help)

    plan = sub.add_parser(
        "plan",
        help="the account quotas a number of tenants per tier runs into",
        description=(
            "For tenants per tier (and service functions), print each account quota the "
            "tiering model uses: need, default quota and its source, headroom, and what to do "
            "when it runs out. Exit 1 when a need exceeds its default quota."
        ),
    )
    plan.add_argument("--tenants", required=True, help="TIER=COUNT,... such as basic=5000")
    plan.add_argument("--functions", type=int, default=5, help="service functions (default 5)")
    plan.add_argument(
        "--warm-containers",
        type=int,
        help="warm containers per function holding a tenant's credentials "
        "(default: the tier's reserved_concurrency, else 10)",
    )
    plan.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    plan.add_argument("--format", choices=("text", "json"), default="text")
    _stage_option(plan)
    plan.set_defaults(handler=_cmd_plan)


def _stage_option(parser: argparse.ArgumentParser) -> None:
    """``--stage``, as lint and check-isolation take it: every command that reads the
    catalogue's constants reads the same stage (an export of the base constants after a
    proof of `prod` would deploy the roles of another account)."""
    parser.add_argument(
        "--stage", help="apply [stages.STAGE.constants] (default: $POLICY_ENGINE_STAGE)"
    )


def _cmd_describe(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .catalog import load_catalog
    from .deploy.describe import describe_json, describe_text

    catalog = load_catalog(args.catalog, stage=args.stage)
    if args.format == "json":
        stdout.write(json.dumps(describe_json(catalog, args.tier), indent=2) + "\n")
    else:
        stdout.write(describe_text(catalog, args.tier) + "\n")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .catalog import load_catalog
    from .deploy.export import build_template, dumps, syntax_for, tenant_template

    catalog = load_catalog(args.catalog, stage=args.stage)
    if args.tier and not args.tenant:
        raise UsageError("--tier goes with --tenant (the tenant's tier)")
    if args.tenant:
        if args.format == "sam":
            raise UsageError("--tenant writes a plain CloudFormation template; drop --format sam")
        template = tenant_template(catalog, args.tenant, args.tier)
    else:
        template = build_template(
            catalog,
            fmt=args.format,
            layer_uri=args.layer_uri,
            architecture=args.arch,
            python=args.python,
        )
    text = dumps(template, syntax_for(args.output, args.syntax))
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write `{args.output}`: {exc.strerror or exc}") from exc
        stderr.write(f"policy-engine: wrote {args.output}\n")
    else:
        stdout.write(text)
    return EXIT_OK


def _cmd_layer_help(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    raise UsageError("layer needs a command: `policy-engine layer build -o layer.zip`")


def _cmd_layer_build(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .deploy.layer import BUDGET_BYTES, build_layer

    if args.no_catalog and args.catalog:
        raise UsageError("give --catalog or --no-catalog, not both")
    result = build_layer(
        args.output,
        arch=args.arch,
        python=args.python,
        extras=tuple(dict.fromkeys(args.extras)),
        catalog=args.catalog,
        bundle_catalog=not args.no_catalog,
    )
    if args.format == "json":
        stdout.write(json.dumps(result.to_json(), indent=2) + "\n")
    else:
        stdout.write(result.summary() + "\n")
    if not result.within_budget and args.arch == "x86_64" and not result.extras:
        stderr.write(
            f"policy-engine: warning: the layer is {result.zipped_bytes:,} bytes zipped, over "
            f"the {BUDGET_BYTES:,}-byte budget\n"
        )
    return EXIT_OK


def _cmd_plan(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .catalog import load_catalog
    from .deploy.plan import build_plan, parse_tenants, plan_json

    catalog = load_catalog(args.catalog, stage=args.stage)
    if args.warm_containers is not None and args.warm_containers < 1:
        raise UsageError("--warm-containers must be at least 1")
    plan = build_plan(
        catalog,
        parse_tenants(args.tenants, catalog),
        functions=args.functions,
        warm_containers=args.warm_containers,
    )
    stdout.write((plan_json(plan) if args.format == "json" else plan.to_text()) + "\n")
    return EXIT_FINDINGS if plan.exceeded else EXIT_OK


def _cmd_lint(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from pathlib import Path

    from .errors import CatalogError
    from .lint import (
        Finding,
        LintSummary,
        files_summary,
        lint_files,
        merge_summaries,
        render_report,
        rule_catalogue,
        run_catalog_lint,
        should_fail,
    )

    _require_fork(args.jobs)
    rules = rule_catalogue()
    if args.rules:
        for rid, severity, summary in rules:
            stdout.write(f"{rid}  {severity:<7}  {summary}\n")
        return EXIT_OK
    findings: list[Finding] = []
    summaries: list[LintSummary] = []
    linted = 0
    files: list[Path] = []
    catalogs = [] if args.paths else [args.catalog]
    templates: list[Path] = []
    parameters = _parameters(args.parameter)
    unread: list[Path] = []  # files that cannot be read at all: a template, maybe
    unloaded: list[str] = []  # catalogues that cannot be loaded, and why
    for raw in args.paths:
        path = Path(raw)
        if path.is_dir():
            catalogs.append(raw)
        elif _is_template(path):
            templates.append(path)
        else:
            files.append(path)
            if not _readable(path):
                unread.append(path)
    progress = _Progress(stderr)
    try:
        for folder in catalogs:
            from .catalog import load_catalog  # only when a catalogue is linted

            try:
                catalog = load_catalog(folder, stage=args.stage)
            except CatalogError as exc:
                where = folder or "bundled catalogue"
                findings.append(
                    Finding("PE001", "error", exc.detail, exc.file, None, exc.key_path or "$")
                )
                unloaded.append(f"cannot load catalogue `{where}`: {exc}")
                continue
            linted += 1
            result = run_catalog_lint(
                catalog, progress=progress.show if progress.live else None, jobs=args.jobs
            )
            findings.extend(result.findings)
            summaries.append(result.summary)
        if files:
            progress.show(f"linting {len(files)} policy files")
            found, readable = lint_files(files, kind=args.policy_kind)
            findings.extend(found)
            linted += readable
            summaries.append(files_summary(readable))
        if templates:
            progress.show(f"linting {len(templates)} templates")
            # a file not read at all may be a template: it stands against the deployed
            # proof as a template that cannot be read does (PE000)
            missing = [f for f in findings if f.rule == "PE000" and Path(f.file) in set(unread)]
            found, readable, deployed = _lint_templates(
                templates, parameters, args.catalog, args.stage, missing
            )
            findings.extend(found)
            linted += readable
            summaries.append(replace(files_summary(0), templates=readable, deployed=deployed))
    finally:
        progress.clear()
    if linted == 0:  # one line: what could not be read, and why
        reasons = unloaded + [f"{f.file}: {f.message}" for f in findings if f.rule == "PE000"]
        why = ": " + "; ".join(reasons) if reasons else ""
        stderr.write(f"policy-engine: error: nothing could be linted{why}\n")
        return EXIT_USAGE
    for reason in unloaded:  # the rest was linted: the report holds these as PE001 too
        stderr.write(f"policy-engine: error: {reason}\n")
    checked = merge_summaries(summaries)
    stdout.write(render_report(findings, args.format, rules, checked, quiet=args.quiet) + "\n")
    return EXIT_FINDINGS if should_fail(findings, args.fail_on) else EXIT_OK


def _parameters(pairs: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"--parameter takes NAME=VALUE, not `{pair}`")
        out[name] = value
    return out


def _readable(path: Any) -> bool:
    """Whether a file can be read as UTF-8 text."""
    try:
        path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _is_template(path: Any) -> bool:
    """A CloudFormation / SAM template or a Terraform plan (by content; an unreadable
    file is left to the plain-file lint, which reports it)."""
    from .iac import detect_format

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return detect_format(text, str(path)) != "policy"


def _lint_templates(
    paths: Sequence[Any],
    parameters: dict[str, str],
    catalog_dir: str | None,
    stage: str | None = None,
    unread: Sequence[Any] = (),
) -> tuple[list[Any], int, tuple[Any, ...]]:
    """Every template's policies through every rule; with a catalogue, the deployed
    tier roles against it. Returns the findings, how many templates were read and the
    deployed proof's summary (none without a catalogue). ``unread``: the findings
    (PE000) of other files of the run that could not be read at all, which may be
    templates: they stand against the deployed proof."""
    from .catalog import load_catalog
    from .iac import TemplateError, read_template
    from .lint import Finding
    from .lint._iac import check_deployment_report, lint_template, with_findings
    from .lint._summary import DeployedSummary

    catalog = load_catalog(catalog_dir, stage=stage) if catalog_dir else None
    if catalog is not None:
        constants = catalog.constants
        for pseudo, key in (
            ("AWS::Partition", "partition"),
            ("AWS::AccountId", "account_id"),
            ("AWS::Region", "region"),
        ):
            if key in constants:
                parameters = {pseudo: str(constants[key]), **parameters}
    findings: list[Finding] = []
    read = []
    tier_roles = frozenset(
        t.role_arn.rsplit("/", 1)[-1] for t in (catalog.tiers.values() if catalog else ())
    )
    model = None
    api_routes = catalog is not None and any(
        spec.service == "execute-api" for spec in catalog.resources.values()
    )
    if catalog is not None:
        model = tuple(
            glob
            for res in catalog.resources.values()
            for glob in (res.arn, f"{res.arn}/*", *(p.arn for p in res.partitions if p.arn))
            if glob
        )
    for path in paths:
        try:
            template = read_template(path, parameters)
        except TemplateError as exc:
            message = str(exc).split(": ", 1)[-1]
            findings.append(Finding("PE000", "error", message, exc.file, exc.line))
            continue
        read.append(template)
        findings.extend(lint_template(template, tier_roles, model, api_routes))
    deployed: tuple[DeployedSummary, ...] = ()
    if catalog is not None and read:
        found, tiers = check_deployment_report(catalog, read)
        findings.extend(found)
        summary = with_findings(tiers, [*findings, *unread])
        deployed = (DeployedSummary(str(catalog.root), summary),)
    return findings, len(read), deployed


class _Progress:
    """One overwritten line of progress on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())
        self._shown = False

    def show(self, message: str) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[K{message} ...")
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _cmd_vend(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    import json

    from .catalog import load_catalog
    from .vend import CredentialVendor

    vendor = CredentialVendor(
        load_catalog(args.catalog, stage=args.stage),
        endpoint_url=args.endpoint_url,
        region=args.region,
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

    _require_fork(args.jobs)
    catalog = load_catalog(args.catalog, stage=args.stage)
    for name in args.tier or ():
        catalog.tier(name)
    from .render import Renderer

    renderer = Renderer(catalog)
    for name in args.tier or catalog.tiers:
        # the tier roles' policies as export deploys them: a role template that uses
        # the tenant is refused here (exit 2), not proved for a role that cannot exist
        renderer.render_role_policies(name)
    results = check_catalog(catalog, tiers=args.tier, jobs=args.jobs)
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
        doc: dict[str, Any] = {}
        if catalog.stages:
            doc = {"stage": catalog.stage, "stages": list(catalog.stages)}
        doc["tiers"] = {name: r.to_json() for name, r in results.items()}
        stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        note = catalog.stage_note()
        if note is not None:
            stdout.write(f"{note}\n")
        for name, r in results.items():
            stdout.write(f"{name}: {r.status} ({r.checks} checks, {r.seconds * 1000:.0f} ms)\n")
            for v in r.violations:
                stdout.write(f"  violation: {v.describe()}\n")
            for u in r.unknown:
                stdout.write(f"  unknown: {u.describe()}\n")
    return EXIT_OK if all(r.status == "proved" for r in results.values()) else EXIT_FINDINGS


def _require_fork(jobs: int) -> None:
    """``--jobs`` above 1 on a platform without fork: a usage error, not a traceback."""
    from ._parallel import can_fork

    if jobs > 1 and not can_fork():
        raise UsageError(
            "--jobs above 1 needs worker processes started by fork (Linux, macOS), "
            "which this platform lacks: drop --jobs"
        )


def _jobs(text: str) -> int:
    """``--jobs N``: a whole number of worker processes, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of processes >= 1, got `{text}`")
    return value


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

    from .evaluate import InvalidRequest, evaluate, parse_caller
    from .model import Policy
    from .parse import parse_policy
    from .schema import PolicyKind
    from .simulate import build_request, parse_context, run_cases, unresolved_variables

    if args.cases:
        conflicting = [
            flag
            for flag, value in (
                ("--policy", args.policy),
                ("--session-policy", args.session_policy),
                ("--boundary", args.boundary),
                ("--resource-policy", args.resource_policy),
                ("--action", args.action),
                ("--resource", args.resource),
                ("--resource-account", args.resource_account),
                ("--principal", args.principal),
                ("--context-json", args.context_json),
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

    try:
        caller_kind = parse_caller(args.principal).kind if args.principal else "session"
    except InvalidRequest as exc:
        raise UsageError(str(exc)) from exc
    # An account root or a service principal has no identity policies to give.
    needs_policy = caller_kind not in ("root", "service")
    missing = [
        f
        for f, v in (
            ("--policy", args.policy or not needs_policy),
            ("--action", args.action),
            ("--resource", args.resource),
        )
        if not v
    ]
    if missing:
        raise UsageError(f"simulate needs {', '.join(missing)} (or --cases FILE)")
    context = (
        parse_context(_read_json(args.context_json, "context file"), "$")
        if args.context_json
        else {}
    )
    try:
        request = build_request(
            args.action,
            args.resource,
            context,
            principal=args.principal,
            resource_account=args.resource_account,
        )
    except InvalidRequest as exc:
        raise UsageError(str(exc)) from exc

    def load(path: str | None, kind: PolicyKind) -> list[Policy]:
        if not path:
            return []
        return [parse_policy(_read_json(path, f"{kind} policy"), kind=kind, source=path)]

    identity = [p for path in args.policy or () for p in load(path, "identity")]
    session = load(args.session_policy, "session")
    boundary = load(args.boundary, "boundary")
    resource = load(args.resource_policy, "resource")
    try:
        decision = evaluate(
            request, identity=identity, session=session, boundary=boundary, resource=resource
        )
    except InvalidRequest as exc:
        raise UsageError(str(exc)) from exc
    unset = (
        []
        if decision.allowed
        else unresolved_variables([*identity, *session, *boundary, *resource], request)
    )
    notes = [
        f"policy variable `{v}` has no value in the request (give it with --context-json): "
        "a statement that needs it matches nothing"
        for v in unset
    ]
    if args.format == "json":
        stdout.write(json.dumps({**decision.to_json(), "notes": notes}, indent=2) + "\n")
    else:
        stdout.write(f"{decision.decision}: {decision.reason}\n")
        for ref in decision.matched:
            stdout.write(f"  {ref.effect} {ref.kind} {ref}\n")
        for note in notes:
            stdout.write(f"  note: {note}\n")
    if args.expect == "allow" and not decision.allowed:
        return EXIT_FINDINGS
    if args.expect == "deny" and decision.allowed:
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_render(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .catalog import load_catalog
    from .errors import UnknownTemplate
    from .model import dumps
    from .render import Renderer

    catalog = load_catalog(args.catalog, stage=args.stage)
    renderer = Renderer(catalog)
    if args.resource is not None:
        return _render_resource(catalog, renderer, args, stdout)
    if args.tier is None:
        raise UsageError("render needs --tier (or --resource NAME for a resource policy)")
    tier = catalog.tier(args.tier)
    if args.template:
        names = tier.session_templates + tier.role_templates + tier.api_templates
        if args.template not in names:
            raise UnknownTemplate(args.template, names, where=f"tier `{args.tier}`")
    if args.template in tier.role_templates:
        # The role is shared by every tenant of the tier: its templates never see a
        # tenant ID, so none is needed (one given anyway is still validated).
        if args.tenant is not None:
            catalog.language.validate(args.tenant)
        policy = renderer.render_role_policies(args.tier)[args.template]
    elif args.tenant is None:
        what = f"`{args.template}` is a session or API template" if args.template else None
        raise UsageError(
            "render needs --tenant"
            + (f" ({what})" if what else "")
            + "; only a role template (--template) renders without one"
        )
    elif args.template:
        policy = renderer.render_template(args.tenant, args.tier, args.template)
    elif args.api:
        policy = renderer.render_api(args.tenant, args.tier)
    else:
        policy = renderer.render_tier(args.tenant, args.tier)
    stdout.write(dumps(policy, minify=args.minify) + "\n")
    return EXIT_OK


def _render_resource(catalog: Any, renderer: Any, args: argparse.Namespace, out: TextIO) -> int:
    """``render --resource NAME``: the resource policy the proof and the drift check
    read for that resource, as it must be deployed."""
    from .model import dumps
    from .render import check_policy

    if args.tenant is not None or args.tier is not None:
        raise UsageError(
            "--resource renders one document for every tenant and tier: drop --tenant and --tier"
        )
    if args.resource not in catalog.resources:
        raise UsageError(
            f"unknown resource `{args.resource}`; the catalogue defines "
            + ", ".join(f"`{r}`" for r in sorted(catalog.resources))
        )
    sym = renderer.resource_policy(args.resource)
    if sym is None:
        with_policy = sorted(n for n, r in catalog.resources.items() if r.policy is not None)
        raise UsageError(
            f"resource `{args.resource}` has no `policy` in the catalogue (resources with "
            "one: " + (", ".join(f"`{n}`" for n in with_policy) or "none") + ")"
        )
    policy = check_policy(sym.document, kind=sym.kind, source=sym.template)
    out.write(dumps(policy, minify=args.minify) + "\n")
    return EXIT_OK


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    """Run the CLI with explicit streams; returns the exit code."""
    argv = list(argv)
    if argv == ["--version"]:  # what the parser would do, without building every subparser
        return _version(stdout)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        stderr.write(f"policy-engine: error: {exc}\n")
        return EXIT_USAGE
    if args.version:
        return _version(stdout)
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


def _version(stdout: TextIO) -> int:
    from ._iamdata import data_sources

    stdout.write(f"policy-engine {__version__}\n{data_sources()}\n")
    return EXIT_OK


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    try:
        code = run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`policy-engine lint --rules | head -5`): stop quietly,
        # as a command killed by SIGPIPE does (exit 128 + 13), and point stdout at
        # /dev/null so that the interpreter's last flush does not fail again.
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = 141
    sys.exit(code)
