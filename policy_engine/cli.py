"""The ``policy-engine`` command line: ``main(argv)`` over ``run(args, stdout, stderr)``.

Exit codes: 0 success, 1 findings (later subcommands), 2 bad usage or unreadable
input. Results go to stdout as one document; messages go to stderr, one line each.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

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
            "--template: that one template (a session or role template of the tier)."
        ),
    )
    render.add_argument("--tenant", required=True, help="tenant ID")
    render.add_argument("--tier", required=True, help="tier name")
    render.add_argument("--template", help="render only this template")
    render.add_argument("--catalog", help="catalogue folder (default: the bundled example)")
    render.add_argument("--minify", action="store_true", help="print minified JSON")
    render.set_defaults(handler=_cmd_render)
    return parser


def _cmd_render(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    from .catalog import load_catalog
    from .model import dumps
    from .render import Renderer

    catalog = load_catalog(args.catalog)
    renderer = Renderer(catalog)
    if args.template:
        policy = renderer.render_template(args.tenant, args.tier, args.template)
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
        stdout.write(f"policy-engine {__version__}\n")
        return EXIT_OK
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        stderr.write("policy-engine: error: a command is required (see `policy-engine --help`)\n")
        return EXIT_USAGE
    try:
        return handler(args, stdout, stderr)
    except PolicyEngineError as exc:
        stderr.write(f"policy-engine: error: {_one_line(str(exc))}\n")
        return EXIT_USAGE


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr))
