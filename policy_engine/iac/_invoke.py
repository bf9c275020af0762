"""Lambda functions (the role each runs as) and the permissions that let others invoke
them, from templates and plans: the lint checks who may invoke the credential
vendor's function (:mod:`policy_engine.lint._invoke`)."""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from ._nodes import Node, TemplateError, line_of, loads_policy_text
from ._resolve import NO_VALUE, Resolver, has_opaque, opaque
from ._types import IacTemplate, InvokePermission, LambdaFunction, Problem

#: CloudFormation types that are a Lambda function, and those that stand for one
#: (an alias or a version: a permission on it lets the function be invoked).
FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function")
_QUALIFIERS = ("AWS::Lambda::Alias", "AWS::Lambda::Version")


def function_name(text: str) -> str:
    """The function a Lambda ``FunctionName`` names: a name, an ARN or a partial ARN
    (``123456789012:function:name``), each with an optional qualifier (``:alias``)."""
    if ":function:" in text:
        return text.split(":function:", 1)[1].split(":", 1)[0]
    return text.split(":", 1)[0]


def cfn_function(out: IacTemplate, resolver: Resolver, logical_id: str,
                 resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """A function and the role it runs as (a SAM function without ``Role`` runs as
    the role SAM generates, whose name is CloudFormation's)."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    try:
        name = resolver.ref(logical_id, line)
        role = resolver.resolve(props["Role"], line) if "Role" in props else NO_VALUE
    except TemplateError as exc:
        out.problems.append(Problem("PE110", "error", exc.message, exc.line or line, logical_id))
        return
    if role is NO_VALUE:
        role = opaque(f"name of {logical_id}Role")
    out.functions.append(
        LambdaFunction(
            logical_id, str(name), role if isinstance(role, str) else opaque("role"), line
        )
    )
    if resource.get("Type") == "AWS::Serverless::Function":
        _sam_events(out, logical_id, props, line)
        _sam_triggers(out, resolver, logical_id, props, line)


def _sam_triggers(out: IacTemplate, resolver: Resolver, logical_id: str,
                  props: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """A SAM function's ``SQS`` (``Queue``), ``SNS`` (``Topic``) and ``S3`` (``Bucket``,
    by name: its ARN) events: the queue, topic or bucket whose writers write the
    function's event (an S3 record's key is the writer's)."""
    events = props.get("Events")
    for name, event in events.items() if isinstance(events, Mapping) else ():
        kind = event.get("Type") if isinstance(event, Mapping) else None
        key = (
            {"SQS": "Queue", "SNS": "Topic", "S3": "Bucket"}.get(kind)
            if isinstance(kind, str)
            else None
        )
        spec = event.get("Properties") if isinstance(event, Mapping) else None
        if kind in ("EventBridgeRule", "CloudWatchEvent") and isinstance(spec, Mapping):
            at = line_of(event, line)
            bus = bus_arn(resolver, spec.get("EventBusName"), at)
            out.triggers.append((f"{logical_id}.Events.{name}", logical_id, logical_id, bus, at))
            continue
        if key is None or not isinstance(spec, Mapping) or key not in spec:
            continue
        at = line_of(event, line)
        source = _value(resolver, spec[key], at)
        text = source if isinstance(source, str) else opaque("source")
        if kind == "S3":
            text = f"arn:{resolver.pseudo_value('AWS::Partition')}:s3:::{text}"
        out.triggers.append((f"{logical_id}.Events.{name}", logical_id, logical_id, text, at))


def bus_arn(resolver: Resolver, raw: Any, line: int) -> str:
    """The ARN of the EventBridge bus an ``EventBusName`` names (a name or an ARN; the
    account's ``default`` bus when not given)."""
    value = _value(resolver, raw, line) if raw is not None else "default"
    name = value if isinstance(value, str) and value else opaque("event bus")
    if name.startswith("arn:"):
        return name
    pseudo = resolver.pseudo_value
    return (f"arn:{pseudo('AWS::Partition')}:events:{pseudo('AWS::Region')}:"
            f"{pseudo('AWS::AccountId')}:event-bus/{name}")  # fmt: skip


def cfn_rule_triggers(out: IacTemplate, resolver: Resolver, logical_id: str,
                      resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """An ``AWS::Events::Rule``'s targets: its bus (``EventBusName``, the default bus
    when not given) feeds each Lambda function the events its senders wrote."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    targets = props.get("Targets")
    if not isinstance(targets, list):
        return
    at = line_of(props, line)
    bus = bus_arn(resolver, props.get("EventBusName"), at)
    for i, target in enumerate(targets):
        if not isinstance(target, Mapping) or "Arn" not in target:
            continue
        where = line_of(target, at)
        function, given = invoke_target(resolver, target["Arn"], where)
        if function is None and ":function:" not in given and not has_opaque(given):
            continue  # not a Lambda function (a queue, a stream, another bus...)
        out.triggers.append((f"{logical_id}.Targets[{i}]", function, given, bus, where))


def _anyone(principal: Any) -> bool:
    """Whether a statement's ``Principal`` (or a legacy bus policy's) may be anyone."""
    if isinstance(principal, str):
        return principal.strip() == "*" or has_opaque(principal)
    if isinstance(principal, Mapping):
        values = principal.get("AWS")
        values = values if isinstance(values, list) else [] if values is None else [values]
        return any(not isinstance(v, str) or v.strip() == "*" or has_opaque(v) for v in values)
    return True


def _may_put(statement: Any) -> bool:
    """Whether a bus policy's statement may let anyone ``events:PutEvents`` (conditions
    read as true; a statement not read may)."""
    if not isinstance(statement, Mapping):
        return True
    if statement.get("Effect") == "Deny":
        return False
    if "NotPrincipal" in statement:
        return True
    action = statement.get("Action", "events:PutEvents")
    actions = action if isinstance(action, list) else [action]
    if "NotAction" not in statement and not any(
        not isinstance(a, str) or has_opaque(a) or fnmatchcase("events:putevents", a.lower())
        for a in actions
    ):
        return False
    return _anyone(statement.get("Principal"))


def cfn_bus_writers(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                    resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """An EventBridge bus policy (``AWS::Events::EventBusPolicy``: one ``Statement``, or
    the legacy ``Principal`` / ``Action``; an ``AWS::Events::EventBus``'s ``Policy``)
    that may let anyone put events ("Specify "*" to permit any account to put events",
    EventBridge API reference, ``PutPermission``): the bus is a source anyone writes."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    at = line_of(props, line)
    try:
        resolved = resolver.resolve(props, at)
    except TemplateError:
        resolved = None
    statements: list[Any]
    if kind == "AWS::Events::EventBus":
        if "Policy" not in props:
            return
        bus = bus_arn(resolver, props.get("Name"), at)
        policy = resolved.get("Policy") if isinstance(resolved, Mapping) else None
        if isinstance(policy, str):
            try:
                policy = loads_policy_text(policy)
            except ValueError:
                policy = None
        raw = policy.get("Statement") if isinstance(policy, Mapping) else None
        statements = raw if isinstance(raw, list) else [raw]
    else:
        bus = bus_arn(resolver, props.get("EventBusName"), at)
        if not isinstance(resolved, Mapping):
            statements = [None]
        elif "Statement" in resolved:
            statements = [resolved["Statement"]]
        else:
            statements = [{"Effect": "Allow", "Principal": resolved.get("Principal"),
                           "Action": resolved.get("Action", "events:PutEvents")}]  # fmt: skip
    if any(_may_put(st) for st in statements):
        out.open_writers.append((bus, logical_id, at))


def cfn_bucket_triggers(out: IacTemplate, resolver: Resolver, logical_id: str,
                        resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """An ``AWS::S3::Bucket``'s ``NotificationConfiguration.LambdaConfigurations``: the
    bucket feeds each function its writers' keys."""
    props = resource.get("Properties")
    config = props.get("NotificationConfiguration") if isinstance(props, Mapping) else None
    entries = config.get("LambdaConfigurations") if isinstance(config, Mapping) else None
    if not isinstance(entries, list):
        return
    try:
        bucket = resolver.ref(logical_id, line)
    except TemplateError:
        bucket = opaque(f"bucket {logical_id}")
    source = f"arn:{resolver.pseudo_value('AWS::Partition')}:s3:::{bucket}"
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or "Function" not in entry:
            continue
        at = line_of(entry, line)
        function, given = invoke_target(resolver, entry["Function"], at)
        owner = f"{logical_id}.NotificationConfiguration.LambdaConfigurations[{i}]"
        out.triggers.append((owner, function, given, source, at))


def cfn_trigger(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """An ``AWS::Lambda::EventSourceMapping`` (``EventSourceArn``) or a Lambda
    ``AWS::SNS::Subscription`` (``TopicArn``, ``Endpoint``): its source feeds the
    function."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    at = line_of(props, line)
    if kind == "AWS::SNS::Subscription":
        if str(_value(resolver, props.get("Protocol"), at) or "lambda").lower() != "lambda":
            return
        source_key, function_key = "TopicArn", "Endpoint"
    else:
        source_key, function_key = "EventSourceArn", "FunctionName"
    if source_key not in props or function_key not in props:
        return
    source = _value(resolver, props[source_key], at)
    function, given = invoke_target(resolver, props[function_key], at)
    out.triggers.append((logical_id, function, given,
                         source if isinstance(source, str) else opaque("source"), at))  # fmt: skip


#: SAM event sources whose sender writes the event's top level (SAM makes a
#: ``Lambda::Permission`` for each): an IoT rule invokes with its SQL's result, the
#: MQTT message a publisher sent; an EventBridge rule with ``InputPath`` or
#: ``InputTransformer`` invokes with the part of the event a ``PutEvents`` caller wrote.
#: The others send records of a fixed shape (``Records``, ``awslogs``...) or, ``Api``
#: and ``HttpApi``, the request context API Gateway writes.
_SAM_WRITTEN_BY_SENDER = {
    "IoTRule": ("iot.amazonaws.com", ()),
    "CloudWatchEvent": ("events.amazonaws.com", ("InputPath", "InputTransformer")),
    "EventBridgeRule": ("events.amazonaws.com", ("InputPath", "InputTransformer")),
}


#: SAM event sources for which SAM writes an ``AWS::Lambda::Permission`` letting the
#: service invoke the function (aws-sam-translator's event source classes that add a
#: permission; the poll-based ones, SQS, Kinesis, DynamoDB, MSK..., make an event
#: source mapping run by the function's own role instead).
_SAM_PERMISSION_EVENTS = {
    "Api": "apigateway.amazonaws.com",
    "HttpApi": "apigateway.amazonaws.com",
    "S3": "s3.amazonaws.com",
    "SNS": "sns.amazonaws.com",
    "Schedule": "events.amazonaws.com",
    "CloudWatchEvent": "events.amazonaws.com",
    "EventBridgeRule": "events.amazonaws.com",
    "CloudWatchLogs": "logs.amazonaws.com",
    "IoTRule": "iot.amazonaws.com",
    "AlexaSkill": "alexa-appkit.amazon.com",
    "Cognito": "cognito-idp.amazonaws.com",
}


def _sam_events(out: IacTemplate, logical_id: str, props: Mapping[str, Any], line: int) -> None:
    events = props.get("Events")
    if not isinstance(events, Mapping):
        return
    for name, event in events.items():
        kind = event.get("Type") if isinstance(event, Mapping) else None
        if isinstance(kind, str) and kind in _SAM_PERMISSION_EVENTS:
            at = event.line if isinstance(event, Node) else line
            out.event_invokes.append(InvokePermission(f"{logical_id}.Events.{name}", at,
                                     logical_id, logical_id, _SAM_PERMISSION_EVENTS[kind],
                                     None))  # fmt: skip
        if not isinstance(event, Mapping) or event.get("Type") not in _SAM_WRITTEN_BY_SENDER:
            continue
        principal, needs = _SAM_WRITTEN_BY_SENDER[str(event["Type"])]
        spec = event.get("Properties")
        spec = spec if isinstance(spec, Mapping) else {}
        if needs and not any(key in spec for key in needs):
            continue
        at = event.line if isinstance(event, Node) else line
        out.invokes.append(InvokePermission(f"{logical_id}.Events.{name}", at, logical_id,
                                            logical_id, principal, None))  # fmt: skip


def _target(resolver: Resolver, raw: Any, line: int, depth: int = 0) -> tuple[str | None, str]:
    """(owner of the template's function, or None; the name given) for a
    ``FunctionName``: a ``Ref``/``GetAtt`` of a function, or of an alias or version of
    one, is that function."""
    if isinstance(raw, Mapping) and len(raw) == 1 and depth < 4:
        (key,) = raw
        args = raw[key]
        target = None
        if key == "Ref" and isinstance(args, str):
            target = args
        elif key == "Fn::GetAtt":
            parts = args.split(".", 1) if isinstance(args, str) else args
            target = parts[0] if isinstance(parts, list) and parts else None
        resource = resolver.resources.get(target) if isinstance(target, str) else None
        if isinstance(resource, Mapping):
            kind = resource.get("Type")
            if kind in FUNCTION_TYPES:
                return str(target), str(target)
            props = resource.get("Properties")
            if kind in _QUALIFIERS and isinstance(props, Mapping) and "FunctionName" in props:
                return _target(resolver, props["FunctionName"], line, depth + 1)
    value = resolver.resolve(raw, line)
    text = value if isinstance(value, str) else opaque("function")
    return None, function_name(text)


def invoke_target(resolver: Resolver, raw: Any, line: int) -> tuple[str | None, str]:
    """:func:`_target` of a function reference, an opaque name when it cannot be read."""
    try:
        return _target(resolver, raw, line)
    except TemplateError:
        return None, opaque("function")


def cfn_permission(out: IacTemplate, resolver: Resolver, logical_id: str,
                   resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    props = resource.get("Properties")
    if not isinstance(props, Mapping):
        return

    def at(key: str) -> int:
        return props.key_lines.get(key, line) if isinstance(props, Node) else line

    try:
        function, name = _target(resolver, props.get("FunctionName"), at("FunctionName"))
        principal = resolver.resolve(props.get("Principal", opaque("principal")), at("Principal"))
        source = resolver.resolve(props["SourceArn"], at("SourceArn")) if "SourceArn" in props \
            else None  # fmt: skip
    except TemplateError as exc:
        out.problems.append(Problem("PE110", "error", exc.message, exc.line or line, logical_id))
        return
    out.invokes.append(
        InvokePermission(
            logical_id,
            at("Principal"),
            function,
            name,
            principal if isinstance(principal, str) else opaque("principal"),
            source if isinstance(source, str) or source is None else opaque("source"),
        )
    )


#: SAM API types for which SAM writes ``AWS::Lambda::Permission`` letting API Gateway
#: invoke a function (aws-sam-translator's API generators): a REST or HTTP API's Lambda
#: authorizers (``Auth.Authorizers.*.FunctionArn``), a WebSocket API's routes
#: (``Routes.*.FunctionArn``) and its ``CUSTOM`` authorizer (``Auth.AuthArn``).
SAM_AUTHORIZER_TYPES = (
    "AWS::Serverless::Api",
    "AWS::Serverless::HttpApi",
    "AWS::Serverless::WebSocketApi",
)


def sam_generated_permissions(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                              props: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """The Lambda permissions SAM writes beside those of event sources (``props`` with
    ``Globals`` merged in): a function's ``FunctionUrlConfig`` whose ``AuthType`` is
    ``NONE`` gives ``*`` ``lambda:InvokeFunctionUrl`` (aws-sam-translator,
    ``_construct_url_permission``; an ``AuthType`` not known here may be ``NONE``); an
    API's Lambda authorizer (unless a REST API's ``DisableFunctionDefaultPermissions``
    or an HTTP API's missing ``EnableFunctionDefaultPermissions`` says SAM writes none;
    a WebSocket authorizer with an ``InvokeRole``) and a WebSocket API's route give API
    Gateway ``lambda:InvokeFunction``. A flag not known here may write one."""
    if kind == "AWS::Serverless::Function":
        url = props.get("FunctionUrlConfig")
        if url is None:
            return
        at = line_of(url, line)
        auth = _value(resolver, url.get("AuthType") if isinstance(url, Mapping) else None, at)
        if auth == "AWS_IAM":
            return
        out.invokes.append(InvokePermission(f"{logical_id}.FunctionUrlConfig", at, logical_id,
                                            logical_id, "*", None))  # fmt: skip
        return
    found: list[tuple[str, Any, int]] = []  # (where, FunctionArn, line)
    auth_spec = props.get("Auth")
    auth_spec = auth_spec if isinstance(auth_spec, Mapping) else {}
    if kind == "AWS::Serverless::WebSocketApi":
        routes = props.get("Routes")
        for name, spec in routes.items() if isinstance(routes, Mapping) else ():
            if isinstance(spec, Mapping) and "FunctionArn" in spec:
                found.append((f"Routes.{name}", spec["FunctionArn"], line_of(spec, line)))
        at = line_of(auth_spec, line)
        custom = _value(resolver, auth_spec.get("AuthType"), at) in ("CUSTOM", None)
        if "AuthArn" in auth_spec and custom and not auth_spec.get("InvokeRole"):
            found.append(("Auth", auth_spec["AuthArn"], at))
    authorizers = auth_spec.get("Authorizers")
    for name, spec in authorizers.items() if isinstance(authorizers, Mapping) else ():
        if not isinstance(spec, Mapping) or "FunctionArn" not in spec:
            continue
        at = line_of(spec, line)
        if kind == "AWS::Serverless::Api":
            flag = _value(resolver, spec.get("DisableFunctionDefaultPermissions", False), at)
            if flag is True or flag == "true":
                continue
        elif kind == "AWS::Serverless::HttpApi":
            flag = _value(resolver, spec.get("EnableFunctionDefaultPermissions", False), at)
            if flag is False or flag == "false":
                continue
        found.append((f"Auth.Authorizers.{name}", spec["FunctionArn"], at))
    for where, raw, at in found:
        try:
            function, given = _target(resolver, raw, at)
        except TemplateError:
            function, given = None, opaque("function")
        out.event_invokes.append(InvokePermission(f"{logical_id}.{where}", at, function, given,
                                                  "apigateway.amazonaws.com", None))  # fmt: skip


def _value(resolver: Resolver, raw: Any, line: int) -> Any:
    """``raw`` resolved; ``None`` when it cannot be known here (opaque, or an error)."""
    try:
        value = resolver.resolve(raw, line)
    except TemplateError:
        return None
    return None if has_opaque(value) else value
