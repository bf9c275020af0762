"""SAM ``Policies:`` of ``AWS::Serverless::Function`` / ``StateMachine``.

Each entry is read as SAM reads it: a string is a managed policy (a name, or an
ARN); a mapping with ``Statement`` is an inline policy document; a mapping with one
key is a SAM policy template (``DynamoDBCrudPolicy: {TableName: !Ref Table}``),
expanded by aws-sam-translator's own processor and its bundled template data, so the
statements are exactly those SAM deploys; its intrinsics are then resolved like any
other. The policies belong to the role SAM creates (``<LogicalId>Role``) unless the
function names its own ``Role``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._nodes import Node, NodeList, TemplateError, line_of
from ._resolve import NO_VALUE, opaque
from ._types import PolicyKind, Problem, RoleInfo

if TYPE_CHECKING:
    from .cloudformation import _Context


@lru_cache(maxsize=1)
def _processor() -> Any:
    try:
        from samtranslator.policy_template_processor.processor import (
            PolicyTemplatesProcessor,
        )
    except ImportError:  # pragma: no cover - a test covers the message via monkeypatch
        return None
    return PolicyTemplatesProcessor(PolicyTemplatesProcessor.get_default_policy_templates_json())


def expand_policy_template(name: str, parameters: Any) -> Mapping[str, Any] | str:
    """The policy document SAM makes of a policy template, or why it cannot."""
    processor = _processor()
    if processor is None:
        return (
            "aws-sam-translator is not installed (pip install 'policy-engine[sam]'): "
            f"SAM policy template `{name}` cannot be expanded"
        )
    from samtranslator.policy_template_processor.exceptions import (
        InsufficientParameterValues,
        InvalidParameterValues,
        TemplateNotFoundException,
    )

    try:
        result: Mapping[str, Any] = processor.convert(name, parameters)
    except TemplateNotFoundException:
        return f"`{name}` is no SAM policy template (aws-sam-translator knows none by that name)"
    except (InsufficientParameterValues, InvalidParameterValues) as exc:
        return f"SAM policy template `{name}`: {exc}"
    return result


#: Properties SAM reads only for the role it generates: ignored when ``Role`` is set.
_ROLE_ONLY = ("Policies", "AssumeRolePolicyDocument", "PermissionsBoundary", "RolePath",
              "DeadLetterQueue", "EventInvokeConfig")  # fmt: skip

#: The service that assumes the role SAM generates, per resource type.
_SERVICE = {
    "AWS::Serverless::Function": "lambda.amazonaws.com",
    "AWS::Serverless::StateMachine": "states.amazonaws.com",
}


def read_sam_policies(ctx: _Context) -> None:
    """A SAM function or state machine (its properties with ``Globals`` merged in): the
    role SAM generates for it, with everything SAM puts on that role; or, when it
    names its own ``Role``, nothing (SAM then ignores ``Policies`` and the other
    properties of the generated role, which this says once). The resource policies
    SAM writes for the function's event sources are read whatever its role."""
    if ctx.kind == "AWS::Serverless::Function":
        _event_resource_policies(ctx)
    if "Role" in ctx.props and ctx.text("Role") is not None:
        ctx.read_paths.update(_ROLE_ONLY)  # said below (PE110), not again as unread
        ignored = [k for k in _ROLE_ONLY if k in ctx.written]  # Globals': silently
        if ignored:
            ctx.out.problems.append(
                Problem(
                    "PE110",
                    "warning",
                    f"`{ctx.logical_id}` names its own `Role`, so SAM ignores its "
                    + ", ".join(f"`{k}`" for k in ignored)
                    + ": not deployed, not linted (put them on the role)",
                    ctx.prop_line(ignored[0]),
                    ctx.logical_id,
                )
            )
        return
    role_id = f"{ctx.logical_id}Role"
    role_name = opaque(f"name of {role_id}")
    partition = ctx.resolver.pseudo_value("AWS::Partition") or "aws"
    account = ctx.resolver.pseudo_value("AWS::AccountId")
    path = ctx.text("RolePath") or "/"
    arn = f"arn:{partition}:iam::{account}:role{path}{role_name}"
    if "AssumeRolePolicyDocument" in ctx.props:
        trust = ctx.property_document("AssumeRolePolicyDocument", "trust")
    else:
        default = Node(ctx.line)
        default.update(_default_trust(_SERVICE.get(ctx.kind, "lambda.amazonaws.com")))
        trust = ctx.document(default, ctx.line, "AssumeRolePolicyDocument (SAM's)", "trust")
    role = RoleInfo(ctx.out.file, role_id, role_name, arn, ctx.line, trust,
                    boundary=ctx.text("PermissionsBoundary"))  # fmt: skip
    ctx.out.roles.append(role)
    if ctx.kind == "AWS::Serverless::Function":
        _implicit_managed(ctx, role, partition)
        _dead_letter_queue(ctx, role_name)
        _event_invoke(ctx, role_name, partition, account)
    _policies(ctx, role, role_name)


def _event_resource_policies(ctx: _Context) -> None:
    """Resource policies SAM writes for a function's ``Events``: an ``SNS`` event with
    an ``SqsSubscription`` of an existing queue (``QueueArn`` and ``QueueUrl``) gets an
    ``AWS::SQS::QueuePolicy`` on that queue that lets the topic send to it
    (aws-sam-translator's SNS event source, made by its own ``SQSQueuePolicies``). A
    queue SAM creates (``SqsSubscription: true``) has a generated name: no model
    queue's, and read all the same."""
    from ._arns import queue_arn

    events = ctx.props.get("Events")
    if not isinstance(events, Mapping):
        return
    events_line = ctx.prop_line("Events")
    for name, event in events.items():
        line = line_of(event, events_line)
        props = event.get("Properties") if isinstance(event, Mapping) else None
        if not isinstance(props, Mapping) or event.get("Type") != "SNS":
            continue
        subscription = props.get("SqsSubscription")
        if not isinstance(subscription, Mapping):
            continue  # `true`: a queue SAM creates, with a name of its own
        line = line_of(subscription, line)
        if "QueueArn" not in subscription or "QueueUrl" not in subscription:
            raise TemplateError(f"`Events.{name}.Properties.SqsSubscription` needs `QueueArn` "
                                "and `QueueUrl`", ctx.out.file, line)  # fmt: skip
        try:
            from samtranslator.model.sqs import SQSQueuePolicies
        except ImportError:  # pragma: no cover - the sam extra is in the test set-up
            raise TemplateError(
                "aws-sam-translator is not installed (pip install 'policy-engine[sam]'): the "
                "queue policy SAM writes for an SNS event's SqsSubscription cannot be made",
                ctx.out.file,
                line,
            ) from None
        generated = SQSQueuePolicies.sns_topic_send_message_role_policy(
            props.get("Topic"), subscription["QueueArn"]
        )
        url = ctx.resolver.text(subscription["QueueUrl"], line, "`SqsSubscription.QueueUrl`")
        partition = ctx.resolver.pseudo_value("AWS::Partition") or "aws"
        _generated_document(ctx, generated, line, f"Events.{name} (SAM's queue policy)",
                            "resource", targets=(queue_arn(url, partition),))  # fmt: skip


def _default_trust(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": [service]}}
        ],
    }


def _implicit_managed(ctx: _Context, role: RoleInfo, partition: str) -> None:
    """The AWS managed policies SAM attaches: basic execution (durable functions:
    the durable one), X-Ray for ``Tracing`` not ``Disabled``, VPC access for
    ``VpcConfig``. Attached, not reported: no one wrote them."""
    base = (
        "AWSLambdaBasicDurableExecutionRolePolicy"
        if ctx.props.get("DurableConfig")
        else ("AWSLambdaBasicExecutionRole")
    )
    names = [(f"service-role/{base}", ctx.line)]
    tracing = ctx.text("Tracing") if "Tracing" in ctx.props else None
    if tracing is not None and tracing != "Disabled":
        xray = "AWSXrayWriteOnlyAccess" if partition == "aws" else "AWSXRayDaemonWriteAccess"
        names.append((xray, ctx.prop_line("Tracing")))
    if ctx.props.get("VpcConfig"):
        names.append(("service-role/AWSLambdaVPCAccessExecutionRole", ctx.prop_line("VpcConfig")))
    for name, line in names:
        ctx.attachments.append((role, f"arn:{partition}:iam::aws:policy/{name}", line, False))


def _added_document(ctx: _Context, generated: Mapping[str, Any], line: int, name: str,
                    role_name: str) -> None:  # fmt: skip
    """A policy SAM adds to the generated role, on the line of what made it."""
    _generated_document(ctx, generated["PolicyDocument"], line, name, "identity",
                        roles=(role_name,))  # fmt: skip


def _generated_document(ctx: _Context, generated: Mapping[str, Any], line: int, name: str,
                        kind: PolicyKind, *, roles: tuple[str, ...] = (),
                        targets: tuple[str, ...] = ()) -> None:  # fmt: skip
    """A policy document SAM writes, read as the template's own, every finding on the
    line of what made it."""
    document = Node(line)
    document.update(generated)
    policy = ctx.document(document, line, name, kind, roles=roles, targets=targets)
    if policy is not None:
        for key in list(policy.lines):
            policy.lines[key] = line  # type: ignore[index]


def _role_policies(ctx: _Context, line: int) -> Any:
    """aws-sam-translator's makers of the statements SAM adds to a generated role."""
    try:
        from samtranslator.model.iam import IAMRolePolicies
    except ImportError:  # pragma: no cover - the sam extra is in the test set-up
        raise TemplateError(
            "aws-sam-translator is not installed (pip install 'policy-engine[sam]'): the "
            "statements SAM adds to the function's role cannot be made",
            ctx.out.file,
            line,
        ) from None
    return IAMRolePolicies


def _dead_letter_queue(ctx: _Context, role_name: str) -> None:
    dlq = ctx.props.get("DeadLetterQueue")
    if dlq is None:
        return
    line = ctx.prop_line("DeadLetterQueue")
    actions = {"SQS": "sqs:SendMessage", "SNS": "sns:Publish"}
    kind = dlq.get("Type") if isinstance(dlq, Mapping) else None
    if not isinstance(dlq, Mapping) or kind not in actions or not dlq.get("TargetArn"):
        raise TemplateError("`DeadLetterQueue` needs `Type` (SQS or SNS) and `TargetArn`",
                            ctx.out.file, line)  # fmt: skip
    generated = _role_policies(ctx, line).dead_letter_queue_policy(
        actions[str(kind)], dlq["TargetArn"]
    )
    _added_document(ctx, generated, line, "DeadLetterQueue", role_name)


def _event_invoke(ctx: _Context, role_name: str, partition: str, account: str | None) -> None:
    """``EventInvokeConfig.DestinationConfig``: SAM gives the role the right to send to
    each destination (a queue or topic SAM creates when none is named)."""
    config = ctx.props.get("EventInvokeConfig")
    destinations = config.get("DestinationConfig") if isinstance(config, Mapping) else None
    if not isinstance(destinations, Mapping):
        return
    policies = _role_policies(ctx, ctx.prop_line("EventInvokeConfig"))
    makers = {
        "SQS": policies.sqs_send_message_role_policy,
        "SNS": policies.sns_publish_role_policy,
        "EventBridge": policies.event_bus_put_events_role_policy,
        "Lambda": policies.lambda_invoke_function_role_policy,
        "S3Bucket": policies.s3_send_event_payload_role_policy,
    }
    region = ctx.resolver.pseudo_value("AWS::Region")
    for when in ("OnSuccess", "OnFailure"):
        dest = destinations.get(when)
        if not isinstance(dest, Mapping) or dest.get("Type") not in makers:
            continue
        line = line_of(dest, ctx.prop_line("EventInvokeConfig"))
        kind = str(dest["Type"])
        target = dest.get("Destination")
        if target is None:
            if kind not in ("SQS", "SNS"):
                raise TemplateError(f"`{when}` of type {kind} needs `Destination`",
                                    ctx.out.file, line)  # fmt: skip
            created = (
                f"{ctx.logical_id}EventInvokeConfig{when}{'Queue' if kind == 'SQS' else 'Topic'}"
            )
            service = "sqs" if kind == "SQS" else "sns"
            target = f"arn:{partition}:{service}:{region}:{account}:{opaque(f'name of {created}')}"
        generated = makers[kind](target, f"{ctx.logical_id}EventInvokeConfig{when}")
        _added_document(ctx, generated, line, f"EventInvokeConfig {when}", role_name)


def _policies(ctx: _Context, role: RoleInfo, role_name: str) -> None:
    raw = ctx.props.get("Policies")
    if raw is None:
        return
    ctx.read_paths.add("Policies")
    line = ctx.prop_line("Policies")
    items: list[Any]
    if isinstance(raw, str) or (isinstance(raw, Mapping) and _single_function(raw)):
        items = [raw]
    elif isinstance(raw, Mapping):
        items = [raw]  # one inline document or one policy template
    elif isinstance(raw, list):
        items = list(raw)
    else:
        raise TemplateError("`Policies` must be a string, a mapping or a list", ctx.out.file, line)
    raw_lines = [line_of(v, line) for v in raw] if isinstance(raw, NodeList) else []
    for i, item in enumerate(items):
        item_line = raw_lines[i] if i < len(raw_lines) else line_of(item, line)
        label = f"Policies[{i}]"
        if isinstance(item, str) or (isinstance(item, Mapping) and _single_function(item)):
            value = ctx.resolver.resolve(item, item_line)
            if value is NO_VALUE:
                continue
            ctx.attachments.append((role, str(value), item_line, True))
            continue
        if not isinstance(item, Mapping):
            raise TemplateError(f"`{label}` must be a string or a mapping", ctx.out.file, item_line)
        if "Statement" in item:
            ctx.document(item, item_line, f"{label} (inline)", "identity", roles=(role_name,))
            continue
        if len(item) != 1:
            raise TemplateError(
                f"`{label}` must be a policy document (with Statement) or one SAM policy "
                "template (one key)",
                ctx.out.file,
                item_line,
            )
        (template_name,) = item
        parameters = item[template_name]
        expanded = expand_policy_template(
            str(template_name), _plain(parameters) if parameters is not None else {}
        )
        if isinstance(expanded, str):
            ctx.out.problems.append(Problem("PE110", "error", expanded, item_line, ctx.logical_id))
            continue
        document = Node(item_line)
        document.update(expanded)  # lines: every statement is on the template's line
        policy = ctx.document(
            document, item_line, f"{label} {template_name}", "identity", roles=(role_name,)
        )
        if policy is not None:
            for key in list(policy.lines):
                policy.lines[key] = item_line  # type: ignore[index]


def _single_function(node: Mapping[str, Any]) -> bool:
    if len(node) != 1:
        return False
    (key,) = node
    return key == "Ref" or str(key).startswith("Fn::")


def _plain(value: Any) -> Any:
    """Template values as plain dicts and lists (aws-sam-translator checks types)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
