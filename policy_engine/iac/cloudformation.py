"""The CloudFormation (and SAM) reader: every policy document of a template with its
logical ID and lines, intrinsic functions resolved (see :mod:`._resolve`).

Read: ``AWS::IAM::Role`` (inline ``Policies``, ``AssumeRolePolicyDocument`` as a
trust policy, ``ManagedPolicyArns``), ``AWS::IAM::ManagedPolicy``, ``AWS::IAM::Policy``,
``AWS::IAM::RolePolicy``, ``AWS::S3::BucketPolicy``, ``AWS::KMS::Key``,
``AWS::SQS::QueuePolicy`` / ``QueueInlinePolicy``, ``AWS::SNS::TopicPolicy`` /
``TopicInlinePolicy``, ``AWS::SecretsManager::ResourcePolicy``, the
``ResourcePolicy`` of ``AWS::DynamoDB::Table`` / ``GlobalTable`` replicas and of their streams,
``AWS::KMS::ReplicaKey``, S3 access point policies (``AWS::S3::AccessPoint``
``Policy``, ``AWS::S3ObjectLambda::AccessPointPolicy``,
``AWS::S3::MultiRegionAccessPointPolicy``), and SAM
``AWS::Serverless::Function`` / ``StateMachine`` ``Policies`` (see :mod:`.sam`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from ._api import (
    CFN_API_BODY,
    CFN_API_POLICY,
    COGNITO_CLIENT,
    definition_may_allow,
    may_allow,
    open_operations,
    read_definition,
)
from ._arns import queue_arn, s3_scope_arn
from ._globals import SamGlobals
from ._invoke import (
    FUNCTION_TYPES,
    SAM_AUTHORIZER_TYPES,
    cfn_bucket_triggers,
    cfn_bus_writers,
    cfn_function,
    cfn_permission,
    cfn_rule_triggers,
    cfn_trigger,
    invoke_target,
    sam_generated_permissions,
)
from ._nodes import Node, NodeList, TemplateError, line_of, loads_policy_text
from ._resolve import NO_VALUE, Resolver, has_opaque, opaque, shown
from ._types import (
    ExtractedPolicy,
    IacTemplate,
    InvokePermission,
    PolicyKind,
    Problem,
    RoleInfo,
)

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def is_sam(template: Mapping[str, Any]) -> bool:
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def read_cloudformation(
    template: Mapping[str, Any],
    file: str,
    text: str,
    parameters: Mapping[str, str] | None = None,
) -> IacTemplate:
    out = IacTemplate(file, "sam" if is_sam(template) else "cloudformation", text)
    resources = template.get("Resources")
    if not isinstance(resources, Mapping):
        out.problems.append(
            Problem("PE110", "error", "`Resources` must be a mapping of logical IDs", 1)
        )
        return out
    resolver = Resolver(template, file, parameters)
    out.resources = len(resources)
    managed_arns: dict[str, ExtractedPolicy] = {}
    attach: list[tuple[RoleInfo, str, int, bool]] = []
    sam_globals = SamGlobals(template) if out.format == "sam" else None
    if sam_globals is not None and sam_globals.problem is not None:
        out.problems.append(sam_globals.problem)
    out.problems.extend(_transforms(template))
    for logical_id, resource in resources.items():
        line = line_of(resource, 1)
        if not isinstance(resource, Mapping):
            out.problems.append(
                Problem("PE110", "error", f"resource `{logical_id}` must be a mapping", line)
            )
            continue
        kind = str(resource.get("Type", ""))
        reader = _READERS.get(kind)
        unread = (
            unread_policies(resource.get("Properties"), line)
            if reader is None and kind not in _INVOKE_TYPES
            else []
        )
        connects = out.format == "sam" and (kind == _CONNECTOR or "Connectors" in resource)
        seen = (
            kind in _COPIES
            or reader is not None
            or kind in _NAMED
            or kind in _DEPLOYS
            or connects
            or kind in _INVOKE_TYPES
            or kind in CFN_API_POLICY
            or kind in ("AWS::S3::AccessGrantsLocation", _PIPE, COGNITO_CLIENT)
            or kind in SAM_AUTHORIZER_TYPES
            or kind in (_GRAPHQL, _DATA_SOURCE, *_OPEN_METHODS, *_TRIGGERS)
            or kind in _DEFINITIONS
            or kind in ("AWS::Events::Rule", *_BUS_POLICIES)
        )
        if not seen and not unread:
            continue
        if "Condition" in resource:
            try:
                before = len(resolver.default_reads)
                decided = resolver.decide(resource["Condition"], line)
                if decided is None:
                    out.undecided.add(str(logical_id))
                if decided is False:
                    read = tuple(dict.fromkeys(resolver.default_reads[before:]))
                    if read:  # not deployed with the defaults; with other values it is
                        out.problems.append(
                            _by_default(f"`{logical_id}` ({kind}) is not read: its condition "
                                        f"`{resource['Condition']}`", read, line, str(logical_id))
                        )  # fmt: skip
                    continue  # not deployed with these parameters
            except TemplateError as exc:
                out.problems.append(Problem("PE110", "error", exc.message, line, logical_id))
                continue
        if kind == COGNITO_CLIENT:
            _claim_writer(out, resolver, str(logical_id), resource, line)
        if kind in CFN_API_POLICY:
            _api_policy(out, str(logical_id), kind, resource, line, template.get("Globals"))
        if kind == "AWS::Serverless::Function":
            _event_api_policies(out, str(logical_id), resource, line, template.get("Globals"))
        if kind in _NAMED:
            _created(out, resolver, str(logical_id), kind, line)
        if kind == "AWS::S3::Bucket":
            _bucket_acl(out, resolver, str(logical_id), resource, line)
            cfn_bucket_triggers(out, resolver, str(logical_id), resource, line)
        if kind in _COPIES:
            _copies(out, resolver, str(logical_id), kind, resource, line)
        if kind == "AWS::DynamoDB::GlobalTable":
            _replica_copies(out, resolver, str(logical_id), resource, line)
        if kind == "AWS::S3::AccessGrantsLocation":
            _access_grants_location(out, resolver, str(logical_id), resource, line)
        if kind in FUNCTION_TYPES:
            cfn_function(out, resolver, str(logical_id), resource, line)
        if kind == _PERMISSION:
            cfn_permission(out, resolver, str(logical_id), resource, line)
        if out.format == "sam" and kind in ("AWS::Serverless::Function", *SAM_AUTHORIZER_TYPES):
            _sam_permissions(out, resolver, str(logical_id), kind, resource, line, sam_globals)
        if kind == _PIPE:
            _pipe(out, resolver, str(logical_id), resource, line)
        if out.format == "sam":
            _connectors(out, resolver, str(logical_id), kind, resource, line)
        if out.format == "sam" and kind == "AWS::Serverless::Function":
            _open_api_events(out, resolver, str(logical_id), resource, sam_globals)
        if kind in _OPEN_METHODS:
            _open_method(out, resolver, str(logical_id), kind, resource, line)
        if kind == "AWS::Events::Rule":
            cfn_rule_triggers(out, resolver, str(logical_id), resource, line)
        if kind in _BUS_POLICIES:
            cfn_bus_writers(out, resolver, str(logical_id), kind, resource, line)
        if kind in _DEFINITIONS:
            _open_definition(out, resolver, str(logical_id), kind, resource, line, sam_globals)
        if kind in _TRIGGERS:
            cfn_trigger(out, resolver, str(logical_id), kind, resource, line)
        if out.format == "sam" and kind == _GRAPHQL:
            _graphql_connectors(out, resolver, str(logical_id), resource, line)
        if kind == _DATA_SOURCE:
            _data_source(out, resolver, str(logical_id), resource, line)
        if kind in _DEPLOYS:
            out.problems.append(
                Problem(
                    "PE115",
                    "warning",
                    f"`{logical_id}` ({kind}) deploys {_DEPLOYS[kind]} that policy-engine does "
                    "not read: its policies, grants and roles are not linted, in the drift "
                    "check or in the deployed proof (lint that template too)",
                    line,
                    str(logical_id),
                )
            )
            continue
        for path, at in unread:
            out.problems.append(_unread_problem(str(logical_id), kind, path, at))
        if reader is None:
            continue
        props = resource.get("Properties", Node(line))
        if not isinstance(props, Mapping):
            out.problems.append(
                Problem("PE110", "error", f"`{logical_id}.Properties` must be a mapping", line)
            )
            continue
        written = frozenset(props)
        if sam_globals is not None and kind.startswith("AWS::Serverless::"):
            props, problem = sam_globals.merge(kind, str(logical_id), resource, props)
            if problem is not None:
                out.problems.append(problem)
        ctx = _Context(out, resolver, str(logical_id), kind, props, line)
        ctx.written = written
        reads, choices = len(resolver.default_reads), len(resolver.default_choices)
        try:
            reader(ctx)
        except TemplateError as exc:
            out.problems.append(
                Problem("PE110", "error", exc.message, exc.line or line, logical_id)
            )
        # A policy (or what it is on) built from a parameter's default: a deploy with
        # another value deploys a policy that was not read (a branch a default chose is
        # said below, once per `Fn::If`).
        chosen = {p for _at, _c, ps in resolver.default_choices[choices:] for p in ps}
        valued = [p for p in dict.fromkeys(resolver.default_reads[reads:]) if p not in chosen]
        if valued and ctx.policies:
            out.problems.append(
                _by_default(f"the policies of `{logical_id}` ({kind}) were read with a value",
                            tuple(valued), line, str(logical_id), resolver.declared)
            )  # fmt: skip
        # A type with a reader may hold a policy document elsewhere than where the
        # reader looks (a property added to the type later, a nested one): reported.
        for path, at in unread_policies(props, line):
            if not any(_under(path, read) for read in ctx.read_paths):
                out.problems.append(_unread_problem(str(logical_id), kind, path, at))
        for p in ctx.policies:
            if p.resource_type == "AWS::IAM::ManagedPolicy":
                arn = resolver.ref(str(logical_id), line)
                managed_arns[str(arn)] = p
        attach.extend(ctx.attachments)
    # Managed policies attached to roles by ARN: a policy of the template, or outside it.
    external: dict[str, list[tuple[str, int]]] = {}
    for role, arn, line, said in attach:
        found = managed_arns.get(arn)
        if found is not None:
            if role.name not in found.roles:
                index = out.policies.index(found)
                found = _with_role(found, role.name)
                out.policies[index] = found
                managed_arns[arn] = found
        else:
            external.setdefault(role.owner, []).append((arn, line))
            if not said:  # SAM's own, not in the template's text
                continue
            out.problems.append(
                Problem(
                    "PE112",
                    "info",
                    f"managed policy `{shown(arn)}` attached to `{role.owner}` is not in the "
                    "template: its statements are not linted",
                    line,
                    role.owner,
                )
            )
    out.roles = [replace(r, managed=tuple(external.get(r.owner, ()))) for r in out.roles]
    out.stand_ins = tuple(sorted(resolver.stand_ins_used))
    for at, condition, read in dict.fromkeys(resolver.default_choices):
        out.problems.append(_by_default(f"`Fn::If` on `{condition}` took one branch", read, at))
    return out


def _by_default(what: str, parameters: tuple[str, ...], line: int, owner: str | None = None,
                declared: Mapping[str, Any] | None = None) -> Problem:  # fmt: skip
    """A choice of what is deployed made by parameters' defaults: a deploy that gives
    them other values deploys what the lint did not read (the values a parameter's
    ``AllowedValues`` admits are named)."""

    def named(p: str) -> str:
        spec = (declared or {}).get(p)
        allowed = spec.get("AllowedValues") if isinstance(spec, Mapping) else None
        if isinstance(allowed, list) and allowed:
            return f"`{p}` (allowed: " + ", ".join(f"`{v}`" for v in allowed) + ")"
        return f"`{p}`"

    names = ", ".join(named(p) for p in parameters)
    return Problem(
        "PE111",
        "warning",
        f"{what}, decided by the default of {names}: a deploy with other values deploys "
        "what was not linted (lint with --parameter NAME=VALUE for each value you deploy)",
        line,
        owner,
    )


#: Resource types that deploy a template of their own (CloudFormation template
#: reference: ``AWS::CloudFormation::Stack`` "nests a stack", ``StackSet`` deploys
#: stack instances, SAM's ``AWS::Serverless::Application`` a nested application).
_DEPLOYS = {
    "AWS::CloudFormation::Stack": "a nested stack (its `TemplateURL`)",
    "AWS::CloudFormation::StackSet": "stack instances of a template",
    "AWS::Serverless::Application": "a nested application (its `Location`)",
}

#: Transforms whose output the readers read as written: SAM (read as SAM reads it) and
#: the language extensions (whose `Fn::ForEach` the reader refuses: PE110).
_KNOWN_TRANSFORMS = (SAM_TRANSFORM, "AWS::LanguageExtensions")


def _transforms(template: Mapping[str, Any]) -> list[Problem]:
    """Macros that rewrite the template before it is deployed: a ``Transform`` other
    than SAM's (the whole template), ``Fn::Transform`` anywhere (``AWS::Include`` pulls
    a snippet from S3; a macro rewrites its part): what is deployed is not what is read."""
    out: list[Problem] = []
    transform = template.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    for name in names:
        if name is not None and name not in _KNOWN_TRANSFORMS:
            out.append(
                Problem(
                    "PE115",
                    "warning",
                    f"transform `{name}` rewrites the template before deploy: what it deploys "
                    "is not what policy-engine read (lint the processed template: "
                    "`aws cloudformation get-template --template-stage Processed`)",
                    template.key_lines.get("Transform", 1) if isinstance(template, Node) else 1,
                )
            )

    def walk(value: Any, line: int) -> None:
        if isinstance(value, Mapping):
            line = line_of(value, line)
            for key, item in value.items():
                at = value.key_lines.get(key, line) if isinstance(value, Node) else line
                if key == "Fn::Transform":
                    name = item.get("Name") if isinstance(item, Mapping) else item
                    out.append(
                        Problem(
                            "PE115",
                            "warning",
                            f"`Fn::Transform` (`{name}`) puts in what policy-engine does not "
                            "read (AWS::Include: a snippet from S3; a macro: its output): lint "
                            "the processed template",
                            at,
                        )
                    )
                    continue
                walk(item, at)
        elif isinstance(value, list):
            for item in value:
                walk(item, line_of(item, line))

    walk(template.get("Resources"), 1)
    return out


#: Canned ACLs that grant no one but the owner on a bucket (S3 User Guide, "Access
#: control list (ACL) overview", canned ACL: the bucket-owner ones apply to objects).
_OWNER_ONLY_ACLS = ("Private", "BucketOwnerRead", "BucketOwnerFullControl")


def _sam_permissions(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                     resource: Mapping[str, Any], line: int,
                     sam_globals: SamGlobals | None) -> None:  # fmt: skip
    """The Lambda permissions SAM writes for a function URL or an API's authorizer, read
    from the resource's properties as SAM sees them (``Globals`` merged in)."""
    props = resource.get("Properties")
    if not isinstance(props, Mapping):
        return
    if sam_globals is not None:
        props, problem = sam_globals.merge(kind, logical_id, resource, props)
        if problem is not None and kind != "AWS::Serverless::Function":  # said by its reader
            out.problems.append(problem)
    sam_generated_permissions(out, resolver, logical_id, kind, props, line)


def _bucket_acl(
    out: IacTemplate, resolver: Resolver, logical_id: str, resource: Mapping[str, Any], line: int
) -> None:
    """``AWS::S3::Bucket`` ``AccessControl``: a canned ACL that grants others (the
    AllUsers or AuthenticatedUsers group, EC2, log delivery) access to the bucket; a
    bucket ``READ`` lists every key, ``WRITE`` writes and overwrites any object."""
    props = resource.get("Properties")
    if not isinstance(props, Mapping) or "AccessControl" not in props:
        return
    at = props.key_lines.get("AccessControl", line) if isinstance(props, Node) else line
    try:
        acl = resolver.resolve(props["AccessControl"], at)
        name = resolver.resolve(props.get("BucketName", opaque(f"name of {logical_id}")), at)
    except TemplateError as exc:
        out.problems.append(Problem("PE110", "error", exc.message, exc.line or at, logical_id))
        return
    if acl is NO_VALUE or acl in _OWNER_ONLY_ACLS:
        return
    shown_acl = shown(acl) if isinstance(acl, str) else str(acl)
    partition = resolver.pseudo_value("AWS::Partition")
    bucket = name if isinstance(name, str) else opaque(f"name of {logical_id}")
    _grant(out, f"arn:{partition}:s3:::{bucket}", f"ACL `{shown_acl}`", logical_id, at)


_CONNECTOR = "AWS::Serverless::Connector"
_PERMISSION = "AWS::Lambda::Permission"
_INVOKE_TYPES = (*FUNCTION_TYPES, _PERMISSION)


def _connectors(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """SAM connectors (``AWS::Serverless::Connector``, and a resource's embedded
    ``Connectors``, whose source is the resource): SAM generates from each the policies
    that let the source reach the destination, an identity policy on the source's role
    or a resource policy on the destination (SAM Developer Guide, "Managing resource
    permissions with AWS SAM connectors"). The reader does not expand them: each is a
    grant on its destinations (PE115; PE091 on a model resource), and a source role
    named by ``RoleName`` (or a function's own ``Role``) is given unknown policies."""
    found: list[tuple[str, Any, Any, int]] = []  # (connector, source, destinations, line)
    if kind == _CONNECTOR:
        props = resource.get("Properties")
        if isinstance(props, Mapping):
            found.append((logical_id, props.get("Source"), props.get("Destination"), line))
    embedded = resource.get("Connectors")
    if isinstance(embedded, Mapping):
        at_all = resource.key_lines.get("Connectors", line) if isinstance(resource, Node) else line
        for name, spec in embedded.items():
            props = spec.get("Properties") if isinstance(spec, Mapping) else None
            at = line_of(spec, at_all)
            if isinstance(props, Mapping):
                found.append((f"{logical_id}.{name}", {"Id": logical_id},
                              props.get("Destination"), at))  # fmt: skip
    for name, source, destinations, at in found:
        what = f"SAM connector `{name}` (its generated policies)"
        targets = destinations if isinstance(destinations, list) else [destinations]
        for destination in targets:
            arn = _endpoint_arn(resolver, destination, at)
            _grant(out, arn, what, logical_id, at)
        role = _source_role(resolver, source, at)
        if role is not None:
            out.role_grants.append((role, what, logical_id, at))


_GRAPHQL = "AWS::Serverless::GraphQLApi"
#: SAM event type -> (the API type, the event's property naming the API, SAM's
#: implicit API's logical ID)
_API_EVENTS = {
    "Api": ("AWS::Serverless::Api", "RestApiId", "ServerlessRestApi"),
    "HttpApi": ("AWS::Serverless::HttpApi", "ApiId", "ServerlessHttpApi"),
}


_OPEN_METHODS = ("AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Route")
_TRIGGERS = ("AWS::Lambda::EventSourceMapping", "AWS::SNS::Subscription")
#: EventBridge bus policies (read for whether anyone may put events on the bus)
_BUS_POLICIES = ("AWS::Events::EventBusPolicy", "AWS::Events::EventBus")
#: APIs defined by an inline OpenAPI definition, and the property holding it.
_DEFINITIONS = {
    "AWS::ApiGateway::RestApi": "Body",
    "AWS::ApiGatewayV2::Api": "Body",
    "AWS::Serverless::Api": "DefinitionBody",
    "AWS::Serverless::HttpApi": "DefinitionBody",
}


def _integrated_function(uri: Any) -> str | None:
    """The name of the Lambda function an integration URI names (a function ARN, or
    API Gateway's ``arn:...:apigateway:...:lambda:path/.../functions/ARN/invocations``)."""
    if not isinstance(uri, str) or ":function:" not in uri:
        return None
    return re.split(r"[:/]", uri.split(":function:", 1)[1], maxsplit=1)[0]


def _referenced(value: Any) -> list[str]:
    """The logical IDs an intrinsic value may refer to, in any spelling: ``Ref``,
    ``Fn::GetAtt`` (list or ``X.Attr``), ``${X}`` / ``${X.Attr}`` in ``Fn::Sub`` text,
    and whatever a ``Fn::Sub`` variable map, a ``Fn::Join`` or any other function
    holds (a route's ``Target`` is ``integrations/`` and an integration's ID, given by
    ``Ref`` or ``Fn::GetAtt`` ``IntegrationId``, CloudFormation reference,
    ``AWS::ApiGatewayV2::Integration`` return values)."""
    out: list[str] = []
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                out.append(inner)
            elif key == "Fn::GetAtt":
                first = inner[0] if isinstance(inner, list) and inner else inner
                out.append(str(first).split(".", 1)[0])
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) and inner else inner
                if isinstance(text, str):
                    out += [n.split(".", 1)[0] for n in re.findall(r"\$\{([^}!]+)\}", text)]
                out += _referenced(inner[1:] if isinstance(inner, list) else None)
            else:
                out += _referenced(inner)
    elif isinstance(value, list):
        for item in value:
            out += _referenced(item)
    return list(dict.fromkeys(out))


def _open_method(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                 resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """An API Gateway REST method (``AWS::ApiGateway::Method``) or HTTP / WebSocket
    route (``AWS::ApiGatewayV2::Route``, its ``Target`` an integration of the template)
    whose ``AuthorizationType`` is ``NONE`` ("NONE for open access", CloudFormation
    reference of ``AWS::ApiGatewayV2::Route``, API Gateway's ``x-amazon-apigateway-auth``;
    a type not set is read as ``NONE``) and which
    integrates a Lambda function: anyone may have that function run (read by the deputy
    check as an invoke permission to ``*``). An API key authorizes no one; a type not
    known here may be ``NONE``."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    at = line_of(props, line)
    try:
        auth = resolver.resolve(props.get("AuthorizationType", "NONE"), at)
    except TemplateError:
        auth = None
    if isinstance(auth, str) and not has_opaque(auth) and auth.upper() != "NONE":
        return
    raw_uri: Any = None
    if kind == "AWS::ApiGateway::Method":
        integration = props.get("Integration")
        raw_uri = integration.get("Uri") if isinstance(integration, Mapping) else None
        credentials = integration.get("Credentials") if isinstance(integration, Mapping) else None
        if credentials is not None:  # an AWS integration calls AWS as this role
            try:
                role = resolver.resolve(credentials, at)
            except TemplateError:
                role = None
            out.data_sources.append((f"{logical_id}.Integration.Credentials",
                                     role if isinstance(role, str) else opaque("role"), at,
                                     True))  # fmt: skip
    else:
        for ref in _referenced(props.get("Target")):
            integ = resolver.resources.get(ref)
            if isinstance(integ, Mapping) and integ.get("Type") == "AWS::ApiGatewayV2::Integration":
                iprops = integ.get("Properties")
                iprops = iprops if isinstance(iprops, Mapping) else {}
                raw_uri = iprops.get("IntegrationUri")
                if "CredentialsArn" in iprops:  # an AWS service integration's role
                    try:
                        role = resolver.resolve(iprops["CredentialsArn"], at)
                    except TemplateError:
                        role = None
                    out.data_sources.append((f"{ref}.CredentialsArn",
                                             role if isinstance(role, str) else opaque("role"),
                                             at, True))  # fmt: skip
    if raw_uri is None:
        return
    try:
        uri = resolver.resolve(raw_uri, at)
    except TemplateError:
        return
    name = _integrated_function(uri)
    if name is None:
        return
    owner = next((f.owner for f in out.functions if f.name == name), None)
    out.open_invokes.append(InvokePermission(f"{logical_id} (no authorizer)", at, owner,
                                             name, "*", None))  # fmt: skip


def _functions_named(out: IacTemplate, raw: Any) -> list[str]:
    """The functions a definition not read may integrate: each function of the template
    whose logical ID it references (``Fn::GetAtt``, ``${Fn.Arn}``, ``Ref``) and each
    ``:function:NAME`` its text spells."""
    text = raw if isinstance(raw, str) else repr(raw)
    names = [f.name for f in out.functions if re.search(
        rf"(?<![A-Za-z0-9]){re.escape(f.owner)}(?![A-Za-z0-9])", text)]  # fmt: skip
    names += re.findall(r":function:([A-Za-z0-9_-]+)", text)
    return list(dict.fromkeys(names))


def _open_definition(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
                     resource: Mapping[str, Any], line: int,
                     sam_globals: SamGlobals | None) -> None:  # fmt: skip
    """An API defined by an inline OpenAPI definition (``AWS::ApiGateway::RestApi`` /
    ``AWS::ApiGatewayV2::Api`` ``Body``, SAM's ``DefinitionBody``) whose operation no
    authorizer guards (:func:`._api.open_operations`) and integrates a Lambda function
    (anyone may have it run: an invoke permission to ``*`` for the deputy check) or
    calls AWS with ``credentials`` (a role serving every caller); and an HTTP API's
    quick create (``Target``: "an API with an integration, a default catch-all route",
    which no authorizer guards). A SAM API whose ``Auth.DefaultAuthorizer`` (its own or
    from ``Globals``) is known and not ``NONE`` has it added to every method of its
    definition by SAM (aws-sam-translator ``set_path_default_authorizer``). A definition
    not read (YAML text, an intrinsic left) may integrate any function it names."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    at = line_of(props, line)

    def opened(owner: str, name: str) -> None:
        function = next((f.owner for f in out.functions if f.name == name), None)
        out.open_invokes.append(InvokePermission(owner, at, function, name, "*", None))

    if kind == "AWS::ApiGatewayV2::Api" and "Target" in props:
        try:
            target = resolver.resolve(props["Target"], at)
        except TemplateError:
            target = None
        name = _integrated_function(target)
        if name is not None:
            opened(f"{logical_id}.Target (quick create: no authorizer)", name)
    key = _DEFINITIONS[kind]
    if key not in props:
        return
    authorizers: frozenset[str] = frozenset()
    if kind.startswith("AWS::Serverless::"):
        api_props: Mapping[str, Any] = props
        own = props.get("Auth")
        if sam_globals is not None and not (
            isinstance(own, Mapping) and "DefaultAuthorizer" in own
        ):
            api_props, _problem = sam_globals.merge(kind, logical_id, resource, props)
        auth = api_props.get("Auth")
        auth = auth if isinstance(auth, Mapping) else {}
        try:
            default = resolver.resolve(auth.get("DefaultAuthorizer"), at)
        except TemplateError:
            default = None
        if isinstance(default, str) and not has_opaque(default) and default != "NONE":
            return
        defined = auth.get("Authorizers")
        authorizers = (
            frozenset(str(n) for n in defined) if isinstance(defined, Mapping) else authorizers
        )
    try:
        body = read_definition(resolver.resolve(props[key], at))
    except TemplateError:
        body = None
    if body is None:
        for name in _functions_named(out, props[key]):
            opened(f"{logical_id}.{key} (not read: may leave a method open)", name)
        return
    for where, raw_uri, credentials in open_operations(body, authorizers):
        name = _integrated_function(raw_uri)
        if name is not None:
            opened(f"{logical_id}.{key} `{where}` (no authorizer)", name)
        if credentials is not None:
            role = credentials if isinstance(credentials, str) else opaque("role")
            out.data_sources.append((f"{logical_id}.{key} `{where}` credentials", role, at, True))


def _open_api_events(
    out: IacTemplate,
    resolver: Resolver,
    logical_id: str,
    resource: Mapping[str, Any],
    sam_globals: SamGlobals | None,
) -> None:
    """A SAM function's ``Api`` / ``HttpApi`` events whose method no authorizer guards:
    the event's ``Auth.Authorizer`` is ``NONE``, or it has none and its API (one of the
    template, or SAM's implicit one, with ``Globals`` merged in) has no
    ``Auth.DefaultAuthorizer`` (SAM Developer Guide, ``ApiFunctionAuth``: "you can
    override the authorizer by setting Authorizer to NONE"); an API key authorizes no
    one. Anyone may call such a method and have the function run (read by the deputy
    check as an invoke permission to ``*``). An API or value not known here may be
    unguarded."""
    props = resource.get("Properties")
    events = props.get("Events") if isinstance(props, Mapping) else None
    for name, event in events.items() if isinstance(events, Mapping) else ():
        kind = event.get("Type") if isinstance(event, Mapping) else None
        if not isinstance(kind, str) or kind not in _API_EVENTS:
            continue
        api_type, key, implicit = _API_EVENTS[kind]
        spec = event.get("Properties")
        spec = spec if isinstance(spec, Mapping) else {}
        at = line_of(event, line_of(resource, 1))
        auth = spec.get("Auth")
        chosen = auth.get("Authorizer") if isinstance(auth, Mapping) else None
        if chosen is None:
            ref = spec.get(key)
            target = (
                ref.get("Ref") if isinstance(ref, Mapping) else implicit if ref is None else None
            )
            api = resolver.resources.get(target) if isinstance(target, str) else None
            if isinstance(api, Mapping) and api.get("Type") == api_type:
                api_props = api.get("Properties")
                api_props = api_props if isinstance(api_props, Mapping) else {}
                api_resource: Mapping[str, Any] = api
            elif target == implicit and ref is None:
                api_props, api_resource = {}, {}
            else:
                api_props, api_resource = {"Auth": {"DefaultAuthorizer": None}}, {}
            own = api_props.get("Auth")
            if sam_globals is not None and not (
                isinstance(own, Mapping) and "DefaultAuthorizer" in own
            ):
                api_props, _problem = sam_globals.merge(
                    api_type, str(target), api_resource, api_props
                )
            api_auth = api_props.get("Auth")
            chosen = api_auth.get("DefaultAuthorizer") if isinstance(api_auth, Mapping) else None
        try:
            value = None if chosen is None else resolver.resolve(chosen, at)
        except TemplateError:
            value = None
        if isinstance(value, str) and not has_opaque(value) and value != "NONE":
            continue
        owner = f"{logical_id}.Events.{name} (no authorizer)"
        out.open_invokes.append(InvokePermission(owner, at, logical_id, logical_id, "*", None))


_DATA_SOURCE = "AWS::AppSync::DataSource"


def _api_key_allowed(types: list[Any]) -> bool:
    """Whether an AppSync API's authorization types (resolved values) let an API key
    call it: ``API_KEY`` among them, or one not known here."""
    return any(not isinstance(t, str) or has_opaque(t) or t == "API_KEY" for t in types)


def _appsync_auth_types(resolver: Resolver, props: Mapping[str, Any], line: int) -> list[Any]:
    """An ``AWS::AppSync::GraphQLApi``'s ``AuthenticationType`` and each
    ``AdditionalAuthenticationProviders[].AuthenticationType``, resolved (None when
    it cannot be)."""
    raw = [props.get("AuthenticationType")]
    extra = props.get("AdditionalAuthenticationProviders")
    for item in extra if isinstance(extra, list) else ([None] if extra is not None else []):
        raw.append(item.get("AuthenticationType") if isinstance(item, Mapping) else None)
    out: list[Any] = []
    for value in raw:
        try:
            out.append(None if value is None else resolver.resolve(value, line))
        except TemplateError:
            out.append(None)
    return out


def _data_source(out: IacTemplate, resolver: Resolver, logical_id: str,
                 resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """An ``AWS::AppSync::DataSource`` with a ``ServiceRoleArn``: AppSync runs its
    resolvers' requests as that role for every caller of the API (``ApiId``: an API of
    the template, whose authorization types say whether an API key may call it; any
    other API may)."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    if "ServiceRoleArn" not in props:
        return
    at = line_of(props, line)
    try:
        role = resolver.resolve(props["ServiceRoleArn"], at)
    except TemplateError:
        role = None
    api_id = props.get("ApiId")
    target = None
    if isinstance(api_id, Mapping) and "Fn::GetAtt" in api_id:
        args = api_id["Fn::GetAtt"]
        parts = args.split(".", 1) if isinstance(args, str) else args
        target = parts[0] if isinstance(parts, list) and parts else None
    api = resolver.resources.get(target) if isinstance(target, str) else None
    api_props = api.get("Properties") if isinstance(api, Mapping) else None
    if isinstance(api, Mapping) and api.get("Type") == "AWS::AppSync::GraphQLApi":
        public = _api_key_allowed(
            _appsync_auth_types(resolver, api_props if isinstance(api_props, Mapping) else {}, at)
        )
    else:
        public = True
    out.data_sources.append(
        (logical_id, role if isinstance(role, str) else opaque("role"), at, public)
    )


def _graphql_connectors(out: IacTemplate, resolver: Resolver, logical_id: str,
                        resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """The connectors SAM writes for an ``AWS::Serverless::GraphQLApi``
    (aws-sam-translator ``SamGraphQLApi``): one from the API to each Lambda authorizer
    (``Auth.LambdaAuthorizer`` and each of ``Auth.Additional``: a Lambda permission for
    ``appsync.amazonaws.com``, read as an invoke permission of AppSync), and, for each
    data source without a ``ServiceRoleArn``, one from the role SAM generates to the
    source's table (``DynamoDb``: ``TableArn``, else the table named ``TableName``) or
    function (``Lambda``: ``FunctionArn``): every caller of the API reaches it, a grant
    on that destination (PE115; PE091 on a model resource)."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    auth = props.get("Auth")
    auth = auth if isinstance(auth, Mapping) else {}
    at_auth = line_of(auth, line)
    extra = auth.get("Additional")
    authorizers = [auth, *(extra if isinstance(extra, list) else [])]
    for i, spec in enumerate(authorizers):
        lam = spec.get("LambdaAuthorizer") if isinstance(spec, Mapping) else None
        if not isinstance(lam, Mapping) or "AuthorizerUri" not in lam:
            continue
        at = line_of(lam, at_auth)
        where = "Auth.LambdaAuthorizer" if i == 0 else f"Auth.Additional[{i - 1}].LambdaAuthorizer"
        owner, given = invoke_target(resolver, lam["AuthorizerUri"], at)
        out.event_invokes.append(InvokePermission(f"{logical_id}.{where}", at, owner, given,
                                                  "appsync.amazonaws.com", None))  # fmt: skip
    sources = props.get("DataSources")
    sources = sources if isinstance(sources, Mapping) else {}
    for kind, key in (("DynamoDb", "TableArn"), ("Lambda", "FunctionArn")):
        group = sources.get(kind)
        for name, spec in group.items() if isinstance(group, Mapping) else ():
            if isinstance(spec, Mapping) and "ServiceRoleArn" in spec:
                at = line_of(spec, line)
                try:
                    role = resolver.resolve(spec["ServiceRoleArn"], at)
                except TemplateError:
                    role = None
                types: list[Any] = [auth.get("Type")]
                types += [a.get("Type") if isinstance(a, Mapping) else None
                          for a in (extra if isinstance(extra, list) else [])]  # fmt: skip
                resolved: list[Any] = []
                for value in types:
                    try:
                        resolved.append(None if value is None else resolver.resolve(value, at))
                    except TemplateError:
                        resolved.append(None)
                out.data_sources.append((f"{logical_id}.DataSources.{kind}.{name}",
                                         role if isinstance(role, str) else opaque("role"),
                                         at, _api_key_allowed(resolved)))  # fmt: skip
                continue  # its own role: its policies are read as any role's
            if not isinstance(spec, Mapping):
                continue
            at = line_of(spec, line)
            try:
                if key in spec:
                    arn = resolver.resolve(spec[key], at)
                elif "TableName" in spec:  # SAM's _compose_dynamodb_table_arn
                    arn = resolver.resolve(
                        {"Fn::Sub": [
                            "arn:${AWS::Partition}:dynamodb:${R}:${AWS::AccountId}:table/${T}",
                            {"T": spec["TableName"],
                             "R": spec.get("Region") or {"Ref": "AWS::Region"}},
                        ]},
                        at,
                    )  # fmt: skip
                else:
                    arn = None
            except TemplateError:
                arn = None
            what = f"GraphQL API data source `{kind}.{name}` (the connector SAM writes for it)"
            _grant(out, arn if isinstance(arn, str) else opaque("data source"), what,
                   logical_id, at)  # fmt: skip


def _endpoint_arn(resolver: Resolver, endpoint: Any, line: int) -> str:
    """A connector endpoint's ARN (``Id`` of a resource of the template, or ``Arn``);
    opaque when it cannot be known."""
    try:
        if isinstance(endpoint, Mapping) and isinstance(endpoint.get("Id"), str):
            value = resolver.get_att([endpoint["Id"], "Arn"], line)
        elif isinstance(endpoint, Mapping) and "Arn" in endpoint:
            value = resolver.resolve(endpoint["Arn"], line)
        else:
            value = None
    except TemplateError:
        value = None
    return value if isinstance(value, str) else opaque("connector endpoint")


def _source_role(resolver: Resolver, source: Any, line: int) -> str | None:
    """The name of the role a connector's generated identity policy goes on, when the
    template says it (``RoleName``, or the ``Role`` of a function it names by ``Id``)."""
    if not isinstance(source, Mapping):
        return None
    try:
        if "RoleName" in source:
            name = resolver.resolve(source["RoleName"], line)
            return name if isinstance(name, str) else opaque("role name")
        ident = source.get("Id")
        resource = resolver.resources.get(ident) if isinstance(ident, str) else None
        props = resource.get("Properties") if isinstance(resource, Mapping) else None
        if isinstance(props, Mapping) and "Role" in props:
            role = resolver.resolve(props["Role"], line)
            return role.rsplit("/", 1)[-1] if isinstance(role, str) else opaque("role name")
    except TemplateError:
        return opaque("role name")
    return None


def _access_grants_location(
    out: IacTemplate, resolver: Resolver, logical_id: str, resource: Mapping[str, Any], line: int
) -> None:
    """``AWS::S3::AccessGrantsLocation``: a bucket (or prefix, or ``s3://``: every bucket)
    registered with S3 Access Grants, which then vends credentials for it to the
    grantees of its grants (CloudFormation template reference,
    "AWS::S3::AccessGrantsLocation")."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    at = props.key_lines.get("LocationScope", line) if isinstance(props, Node) else line
    try:
        scope = resolver.resolve(props.get("LocationScope", "s3://"), at)
    except TemplateError as exc:
        out.problems.append(Problem("PE110", "error", exc.message, exc.line or at, logical_id))
        return
    partition = resolver.pseudo_value("AWS::Partition") or "aws"
    _grant(out, s3_scope_arn(scope, partition), "S3 Access Grants location", logical_id, at)


#: Properties that copy a resource's data to another resource, whose access no proof
#: of this resource reads (CloudFormation template reference: S3 bucket
#: ``ReplicationConfiguration`` replicates objects to a destination bucket, possibly in
#: another account; ``InventoryConfigurations`` lists every key into a destination
#: bucket; ``NotificationConfiguration`` sends each event with the object's key to a
#: queue, topic, function or EventBridge, "Event message structure";
#: ``LoggingConfiguration`` writes each request's key and requester into a log bucket,
#: "Logging requests with server access logging"; ``MetadataConfiguration`` and the V1
#: ``MetadataTableConfiguration`` keep a table of every object's key and metadata in a
#: table bucket, "Accelerating data discovery with S3 Metadata"; DynamoDB table
#: ``KinesisStreamSpecification`` streams item changes to a
#: Kinesis data stream; SQS queue ``RedrivePolicy`` moves each message received
#: ``maxReceiveCount`` times to its dead-letter queue, SQS Developer Guide "Using
#: dead-letter queues").
_COPIES = {
    "AWS::S3::Bucket": {
        "ReplicationConfiguration": "replication configuration (its objects copied to "
        "another bucket)",
        "InventoryConfigurations": "inventory configuration (its keys listed into another bucket)",
        "NotificationConfiguration": "event notifications (its keys copied to a queue, topic, "
        "function or EventBridge)",
        "LoggingConfiguration": "server access logs (its keys and requesters copied to a log "
        "bucket)",
        "MetadataConfiguration": "S3 Metadata configuration (its keys listed into metadata tables)",
        "MetadataTableConfiguration": "S3 Metadata configuration (its keys listed into a "
        "metadata table)",
    },
    "AWS::DynamoDB::Table": {
        "KinesisStreamSpecification": "Kinesis stream destination (its items copied to a stream)",
    },
    "AWS::SQS::Queue": {
        "RedrivePolicy": "redrive policy (its messages moved to a dead-letter queue)",
    },
}


def _copies(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str,
            resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    props = resource.get("Properties")
    if not isinstance(props, Mapping):
        return
    for key, what in _COPIES[kind].items():
        if key not in props:
            continue
        at = props.key_lines.get(key, line) if isinstance(props, Node) else line
        try:
            arn = resolver.get_att([logical_id, "Arn"], at)
        except TemplateError:
            arn = opaque(f"ARN of {logical_id}")
        _grant(out, str(arn), what, logical_id, at)


def _replica_copies(out: IacTemplate, resolver: Resolver, logical_id: str,
                    resource: Mapping[str, Any], line: int) -> None:  # fmt: skip
    """``AWS::DynamoDB::GlobalTable``: a replica in another region than the stack's
    holds every item (DynamoDB replicates each write to every replica: a table outside
    the model's ARN), and a replica's ``KinesisStreamSpecification`` streams its item
    changes to a stream. A replica list or region not resolved may be either."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    replicas = props.get("Replicas")
    at = props.key_lines.get("Replicas", line) if isinstance(props, Node) else line
    try:
        here = resolver.resolve({"Ref": "AWS::Region"}, at)
        head = resolver.resolve(
            {"Fn::Sub": "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}"}, at
        )
        name = resolver.resolve(props["TableName"], at) if "TableName" in props else None
    except TemplateError:
        here, head, name = None, None, None
    if name is None:  # CloudFormation names it: no model table's
        name = opaque(f"name of {logical_id}")
    arn = f"{head}:table/{name}" if isinstance(head, str) and isinstance(name, str) else (
        opaque(f"ARN of {logical_id}"))  # fmt: skip
    try:
        listed = resolver.resolve(replicas, at) if replicas is not None else []
    except TemplateError:
        here, listed = None, None
    if not isinstance(listed, list):
        _grant(out, arn, "replicas not read (a replica in another region, or a Kinesis "
               "stream destination, copies its items)", logical_id, at)  # fmt: skip
        return
    for replica in listed:
        region = replica.get("Region") if isinstance(replica, Mapping) else None
        if not isinstance(region, str) or has_opaque(region) or region != here:
            _grant(out, arn, "replica in another region (its items copied to another "
                   "table)", logical_id, at)  # fmt: skip
        if isinstance(replica, Mapping) and replica.get("KinesisStreamSpecification"):
            _grant(out, arn, "Kinesis stream destination of a replica (its items copied "
                   "to a stream)", logical_id, at)  # fmt: skip


_PIPE = "AWS::Pipes::Pipe"
PIPE_WHAT = "EventBridge pipe (its records copied to the pipe's target)"


def pipe_source_arn(source: str) -> str:
    """The resource whose data a pipe's source carries: a DynamoDB stream's table."""
    return source.split("/stream/", 1)[0] if ":dynamodb:" in source else source


def _pipe(out: IacTemplate, resolver: Resolver, logical_id: str, resource: Mapping[str, Any],
          line: int) -> None:  # fmt: skip
    """``AWS::Pipes::Pipe``: each record of its ``Source`` (a queue's messages, a
    stream's item changes) is sent to its ``Target`` (EventBridge User Guide, "Amazon
    EventBridge Pipes"): a copy of the source's data."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    at = props.key_lines.get("Source", line) if isinstance(props, Node) else line
    try:
        source = resolver.resolve(props.get("Source", opaque("pipe source")), at)
    except TemplateError as exc:
        out.problems.append(Problem("PE110", "error", exc.message, exc.line or at, logical_id))
        return
    arn = source if isinstance(source, str) else opaque("pipe source")
    _grant(out, pipe_source_arn(arn), PIPE_WHAT, logical_id, at)


def _grant(out: IacTemplate, arn: str, what: str, owner: str, line: int) -> None:
    """Access granted outside a policy document: said (PE115), and kept for the model
    check unless it is on a resource whose name CloudFormation generates (no model
    resource's: the reader's ``name of <logical ID>``)."""
    if opaque("name of ").rstrip("\ue001") not in arn:
        out.grants.append((arn, what, owner, line))
    out.problems.append(
        Problem(
            "PE115",
            "warning",
            f"`{owner}` opens `{shown(arn)}` by its {what}, outside any policy "
            "document: policy-engine does not read it, so whom it opens the data to is not "
            "checked",
            line,
            owner,
        )
    )


def _api_policy(
    out: IacTemplate, logical_id: str, kind: str, resource: Mapping[str, Any], line: int,
    sam_globals: Any,
) -> None:  # fmt: skip
    """Record an API's resource policy (``Policy``; SAM's ``Auth.ResourcePolicy``, its
    own or from ``Globals.Api``) with whether it may allow (:func:`may_allow`)."""
    props = resource.get("Properties")
    props = props if isinstance(props, Mapping) else {}
    if kind == "AWS::ApiGateway::RestApi":
        found = [("Properties.Policy", props.get("Policy"), False)]
    else:
        auth = props.get("Auth")
        own = auth.get("ResourcePolicy") if isinstance(auth, Mapping) else None
        api = sam_globals.get("Api") if isinstance(sam_globals, Mapping) else None
        glob = api.get("Auth") if isinstance(api, Mapping) else None
        shared = glob.get("ResourcePolicy") if isinstance(glob, Mapping) else None
        found = [
            ("Properties.Auth.ResourcePolicy", own, True),
            ("Globals.Api.Auth.ResourcePolicy", shared, True),
        ]
    for where, value, sam in found:
        if value is not None:
            allows = may_allow(value, sam=sam)
            out.api_policies.append((logical_id, where, line_of(value, line), allows))
    inline, elsewhere = CFN_API_BODY[kind]
    api = sam_globals.get("Api") if isinstance(sam_globals, Mapping) else None
    sources = [(f"Properties.{inline}", props.get(inline)), (f"Properties.{elsewhere}", None)]
    if kind == "AWS::Serverless::Api" and isinstance(api, Mapping):
        sources += [(f"Globals.Api.{inline}", api.get(inline)), (f"Globals.Api.{elsewhere}", None)]
    for where, body in sources:
        given = props if where.startswith("Properties.") else api
        key = where.rsplit(".", 1)[1]
        if body is None and key == elsewhere and isinstance(given, Mapping) and key in given:
            # a definition the lint does not read may carry x-amazon-apigateway-policy
            at = line_of(given[key], line)
            out.api_policies.append((logical_id, f"{where} (not read)", at, True))
            continue
        carried = definition_may_allow(body)
        if carried is not None:
            at = line_of(body, line)
            out.api_policies.append(
                (logical_id, f"{where}.x-amazon-apigateway-policy", at, carried)
            )


def _event_api_policies(
    out: IacTemplate, logical_id: str, resource: Mapping[str, Any], line: int, sam_globals: Any
) -> None:
    """A SAM function's ``Api`` events: an event's ``Auth.ResourcePolicy`` is written
    into its API's resource policy, and an event without ``RestApiId`` makes SAM's
    implicit API (``ServerlessRestApi``), which takes ``Globals.Api`` (its
    ``Auth.ResourcePolicy``, ``DefinitionBody``/``DefinitionUri`` are not on any
    ``AWS::Serverless::Api`` of the template). SAM writes either into the API's
    ``x-amazon-apigateway-policy`` (aws-sam-translator)."""
    props = resource.get("Properties")
    events = props.get("Events") if isinstance(props, Mapping) else None
    if not isinstance(events, Mapping):
        return
    implicit = False
    for name, event in events.items():
        if not isinstance(event, Mapping) or event.get("Type") != "Api":
            continue
        spec = event.get("Properties")
        spec = spec if isinstance(spec, Mapping) else {}
        implicit = implicit or "RestApiId" not in spec
        auth = spec.get("Auth")
        policy = auth.get("ResourcePolicy") if isinstance(auth, Mapping) else None
        if policy is not None:
            where = f"Events.{name}.Auth.ResourcePolicy"
            at = line_of(policy, line)
            out.api_policies.append((logical_id, where, at, may_allow(policy, sam=True)))
    api = sam_globals.get("Api") if isinstance(sam_globals, Mapping) and implicit else None
    if not isinstance(api, Mapping):
        return
    owner = f"ServerlessRestApi (implicit API of {logical_id})"
    auth = api.get("Auth")
    shared = auth.get("ResourcePolicy") if isinstance(auth, Mapping) else None
    if shared is not None:
        at = line_of(shared, line)
        out.api_policies.append((owner, "Globals.Api.Auth.ResourcePolicy", at,
                                 may_allow(shared, sam=True)))  # fmt: skip
    allows = definition_may_allow(api.get("DefinitionBody"))
    if "DefinitionUri" in api:
        allows = True
    if allows is not None:
        out.api_policies.append((owner, "Globals.Api definition", line, allows))


def _claim_writer(
    out: IacTemplate, resolver: Resolver, logical_id: str, resource: Mapping[str, Any], line: int
) -> None:
    """Record a Cognito app client's ``WriteAttributes`` (absent: the standard
    attributes only, Cognito API Reference, UserPoolClientType; unresolved: unknown)."""
    props = resource.get("Properties")
    raw = props.get("WriteAttributes") if isinstance(props, Mapping) else None
    if raw is None:
        out.claim_writers.append((logical_id, (), line))
        return
    at = line_of(raw, line)
    try:
        value = resolver.resolve(raw, at)
    except TemplateError:
        value = None
    if isinstance(value, list) and all(isinstance(v, str) and not has_opaque(v) for v in value):
        out.claim_writers.append((logical_id, tuple(value), at))
    else:
        out.claim_writers.append((logical_id, None, at))


def _unread_problem(logical_id: str, kind: str, path: str, at: int) -> Problem:
    return Problem(
        "PE114",
        "warning",
        f"`{logical_id}` ({kind}) holds a policy document at `Properties.{path}` "
        "that policy-engine does not read: it is not linted, and a model resource "
        "it opens is not in the drift check or the deployed proof",
        at,
        logical_id,
        api=_api_path(kind, path),
    )


_EVENT_API_POLICY = re.compile(r"Events\.[^.]+\.Properties\.Auth\.ResourcePolicy")


def _api_path(kind: str, path: str) -> bool:
    """Whether a property path holds an API resource policy that :func:`_api_policy`
    or :func:`_event_api_policies` records (its own ``Policy`` / ``Auth.ResourcePolicy``,
    an OpenAPI definition's ``x-amazon-apigateway-policy``, a function's ``Api`` event's
    ``Auth.ResourcePolicy``)."""
    if kind in CFN_API_POLICY:
        read = ("Policy", "Auth.ResourcePolicy", *CFN_API_BODY[kind])
        return any(_under(path, r) for r in read)
    if kind == "AWS::Serverless::Function":
        head = _EVENT_API_POLICY.match(path)
        return head is not None and _under(path, head[0])
    return False


def _under(path: str, read: str) -> bool:
    """Whether a property path lies in (or is) a path a reader read."""
    return path == read or path.startswith((read + ".", read + "["))


def unread_policies(props: Any, line: int, path: str = "") -> list[tuple[str, int]]:
    """Where a resource the reader has no reader for holds a policy document, as
    (property path, line): a mapping with a ``Statement``, a JSON string holding one
    (plain, or the text of ``Fn::Sub`` / ``Fn::Join``), SAM's ``Auth.ResourcePolicy``
    form, or one statement given as properties (``Principal`` and ``Action``). The
    type is not consulted, so a type nobody listed is still found."""
    if isinstance(props, str):
        return [(path or "$", line)] if '"Statement"' in props else []
    found: list[tuple[str, int]] = []
    if isinstance(props, Mapping):
        if "Statement" in props and isinstance(props["Statement"], list | Mapping):
            return [(path or "$", line)]  # at the line of the key that holds it
        if "Principal" in props and "Action" in props:
            # one statement given as properties (the legacy AWS::Events::EventBusPolicy
            # form: Action, Principal, Condition; a Lambda permission is read apart)
            return [(path or "$", line)]
        line = line_of(props, line)
        for key, value in props.items():
            where = f"{path}.{key}" if path else str(key)
            at = props.key_lines.get(key, line) if isinstance(props, Node) else line
            if key == "ResourcePolicy" and path.endswith("Auth") and isinstance(value, Mapping):
                found.append((where, at))  # SAM: CustomStatements, IP and VPC lists
                continue
            if str(key).startswith("Fn::"):  # the function's text is the property's
                if unread_policies(value, at, where):
                    found.append((path or "$", at))
                continue
            found.extend(unread_policies(value, at, where))
    elif isinstance(props, list):
        for i, item in enumerate(props):
            found.extend(unread_policies(item, line_of(item, line), f"{path}[{i}]"))
    return _first_per_path(found)


def _first_per_path(found: list[tuple[str, int]]) -> list[tuple[str, int]]:
    seen: dict[str, int] = {}
    for where, at in found:
        seen.setdefault(where, at)
    return list(seen.items())


#: Resource types that can carry a resource policy: the property that names them.
_NAMED = {
    "AWS::S3::Bucket": "BucketName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::SecretsManager::Secret": "Name",
}


def _created(out: IacTemplate, resolver: Resolver, logical_id: str, kind: str, line: int) -> None:
    """A named resource the template creates (a generated name is no model resource's)."""
    try:
        name = resolver.resolve(resolver.resources[logical_id].get("Properties", {}).get(
            _NAMED[kind]), line)  # fmt: skip
        if not isinstance(name, str) or has_opaque(name):
            return
        if kind == "AWS::SecretsManager::Secret":
            arn = resolver.ref(logical_id, line)
        else:
            arn = resolver.get_att([logical_id, "Arn"], line)
    except TemplateError:
        return  # the reader of a policy that names it says what is wrong
    if isinstance(arn, str):
        out.created.append((arn, logical_id, line))


def _with_role(p: ExtractedPolicy, role: str) -> ExtractedPolicy:
    return replace(p, roles=(*p.roles, role))


class _Context:
    """One resource being read."""

    def __init__(
        self,
        out: IacTemplate,
        resolver: Resolver,
        logical_id: str,
        kind: str,
        props: Mapping[str, Any],
        line: int,
    ) -> None:
        self.out = out
        self.resolver = resolver
        self.logical_id = logical_id
        self.kind = kind
        self.props = props
        self.line = line
        self.policies: list[ExtractedPolicy] = []
        #: the properties the resource itself writes (the others came from SAM Globals)
        self.written: frozenset[str] = frozenset(props)
        #: (role, policy ARN, line, whether the template says it: SAM adds some itself)
        self.attachments: list[tuple[RoleInfo, str, int, bool]] = []
        #: property paths (``Policies``, ``Replicas[0].ResourcePolicy``) the reader read
        self.read_paths: set[str] = set()

    def prop_line(self, key: str) -> int:
        if isinstance(self.props, Node):
            return self.props.key_lines.get(key, self.line)
        return self.line

    def text(self, key: str) -> str | None:
        if key not in self.props:
            return None
        value = self.resolver.resolve(self.props[key], self.prop_line(key))
        if value is NO_VALUE:
            return None
        if not isinstance(value, str):
            raise TemplateError(
                f"`{self.logical_id}.{key}` must resolve to a string",
                self.out.file,
                self.prop_line(key),
            )
        return value

    def texts(self, key: str) -> list[tuple[str, int]]:
        """A list property: each value resolved, with its line."""
        raw = self.props.get(key)
        if raw is None:
            return []
        line = self.prop_line(key)
        resolved = self.resolver.resolve(raw, line)
        if resolved is NO_VALUE:
            return []
        if isinstance(resolved, str):
            return [(resolved, line)]
        if not isinstance(resolved, list) or not all(isinstance(v, str) for v in resolved):
            raise TemplateError(
                f"`{self.logical_id}.{key}` must be a list of strings", self.out.file, line
            )
        lines = [line_of(v, line) for v in raw] if isinstance(raw, NodeList) else []
        if len(lines) != len(resolved):
            lines = [line] * len(resolved)
        return list(zip(resolved, lines, strict=True))

    def document(
        self,
        raw: Any,
        line: int,
        name: str,
        kind: PolicyKind,
        *,
        roles: tuple[str, ...] = (),
        targets: tuple[str, ...] = (),
        through: tuple[str, ...] = (),
        inline_name: str | None = None,
    ) -> ExtractedPolicy | None:
        try:
            document, lines = resolve_document(self.resolver, raw, line)
        except TemplateError as exc:
            self.out.problems.append(
                Problem(
                    "PE110", "error", f"{name}: {exc.message}", exc.line or line, self.logical_id
                )
            )
            return None
        policy = ExtractedPolicy(
            self.out.file,
            self.logical_id,
            self.kind,
            name,
            kind,
            document,
            line,
            lines,
            roles,
            targets,
            through,
            inline_name,
        )
        self.out.policies.append(policy)
        self.policies.append(policy)
        return policy

    def property_document(
        self, key: str, kind: PolicyKind, *, name: str | None = None, **kw: Any
    ) -> ExtractedPolicy | None:
        if key not in self.props:
            raise TemplateError(
                f"`{self.logical_id}` ({self.kind}) has no `{key}`", self.out.file, self.line
            )
        self.read_paths.add(key)
        return self.document(self.props[key], self.prop_line(key), name or key, kind, **kw)


def resolve_document(
    resolver: Resolver, raw: Any, line: int
) -> tuple[dict[str, Any], dict[str, int]]:
    """A policy document resolved, statement by statement, with the line of each
    statement and of each of its elements."""
    line = line_of(raw, line)
    lines: dict[str, int] = {"$": line}
    if isinstance(raw, Node) and not _is_function(raw):
        document: dict[str, Any] = {}
        for key, value in raw.items():
            key_line = raw.key_lines.get(key, line)
            lines[f"$.{key}"] = key_line
            if key == "Statement" and isinstance(value, NodeList):
                statements: list[Any] = []
                for item in value:
                    resolved = resolver.resolve(item, line_of(item, key_line))
                    if resolved is NO_VALUE:
                        continue
                    path = f"$.Statement[{len(statements)}]"
                    _element_lines(item, path, line_of(item, key_line), lines)
                    statements.append(resolved)
                document[key] = statements
                continue
            if key == "Statement":
                _element_lines(value, "$.Statement", line_of(value, key_line), lines)
            resolved = resolver.resolve(value, key_line)
            if resolved is not NO_VALUE:
                document[str(key)] = resolved
        return document, lines
    resolved = resolver.resolve(raw, line)
    if isinstance(resolved, str):
        if has_opaque(resolved):
            raise TemplateError(
                "the policy document is a string with unresolved parts", resolver.file, line
            )
        try:
            resolved = loads_policy_text(resolved)
        except ValueError as exc:
            raise TemplateError(
                f"the policy document is a string but not JSON: {exc}", resolver.file, line
            ) from None
    if not isinstance(resolved, dict):
        raise TemplateError("a policy document must be a mapping", resolver.file, line)
    return resolved, lines


def _is_function(node: Mapping[str, Any]) -> bool:
    return (len(node) == 1 and next(iter(node)) in ("Ref", "Condition")) or (
        len(node) == 1 and str(next(iter(node))).startswith("Fn::")
    )


def _element_lines(item: Any, path: str, line: int, lines: dict[str, int]) -> None:
    lines[path] = line
    if isinstance(item, Node) and not _is_function(item):
        for key, key_line in item.key_lines.items():
            lines[f"{path}.{key}"] = key_line


# -- resource types ----------------------------------------------------------------------


def _role(ctx: _Context) -> None:
    name = ctx.resolver.ref(ctx.logical_id, ctx.line)
    arn = ctx.resolver.get_att([ctx.logical_id, "Arn"], ctx.line)
    trust = None
    if "AssumeRolePolicyDocument" in ctx.props:
        trust = ctx.property_document("AssumeRolePolicyDocument", "trust")
    else:
        ctx.out.problems.append(
            Problem("PE110", "error", "the role has no `AssumeRolePolicyDocument`", ctx.line,
                    ctx.logical_id)
        )  # fmt: skip
    raw = ctx.props.get("Policies")
    if raw is not None:
        ctx.read_paths.add("Policies")
        line = ctx.prop_line("Policies")
        items = raw if isinstance(raw, list) else None
        if items is None:
            raise TemplateError("`Policies` must be a list", ctx.out.file, line)
        for i, item in enumerate(items):
            item_line = line_of(item, line)
            if isinstance(item, Mapping) and _is_function(item):
                item = ctx.resolver.resolve(item, item_line)
                if item is NO_VALUE:
                    continue
            if not isinstance(item, Mapping) or "PolicyDocument" not in item:
                raise TemplateError(
                    f"`Policies[{i}]` must be a mapping with PolicyName and PolicyDocument",
                    ctx.out.file,
                    item_line,
                )
            policy_name = ctx.resolver.resolve(item.get("PolicyName", f"#{i}"), item_line)
            doc_line = (
                item.key_lines.get("PolicyDocument", item_line)
                if isinstance(item, Node)
                else item_line
            )
            ctx.document(
                item["PolicyDocument"],
                doc_line,
                f"Policies[{i}] {shown(str(policy_name))}",
                "identity",
                roles=(str(name),),
                inline_name=str(policy_name) if "PolicyName" in item else None,
            )
    role = RoleInfo(ctx.out.file, ctx.logical_id, str(name), str(arn), ctx.line, trust)
    managed = ctx.texts("ManagedPolicyArns")
    role = RoleInfo(role.file, role.owner, role.name, role.arn, role.line, trust, tuple(managed))
    ctx.out.roles.append(role)
    ctx.attachments.extend((role, arn_text, line, True) for arn_text, line in managed)


def _identity_policy(ctx: _Context) -> None:
    roles = tuple(r for r, _ in ctx.texts("Roles"))
    if ctx.kind == "AWS::IAM::RolePolicy":
        role = ctx.text("RoleName")
        roles = (role,) if role else ()
    inline = ctx.text("PolicyName") if ctx.kind != "AWS::IAM::ManagedPolicy" else None
    name = inline or ctx.text("ManagedPolicyName") or ""
    ctx.property_document("PolicyDocument", "identity", name=f"PolicyDocument {name}".strip(),
                          roles=roles, inline_name=inline)  # fmt: skip


def _bucket_policy(ctx: _Context) -> None:
    bucket = ctx.text("Bucket") or opaque(f"bucket of {ctx.logical_id}")
    partition = ctx.resolver.pseudo_value("AWS::Partition")
    ctx.property_document("PolicyDocument", "resource", targets=(f"arn:{partition}:s3:::{bucket}",))


def _key_policy(ctx: _Context) -> None:
    if "KeyPolicy" not in ctx.props:
        return  # AWS gives the key its default policy (the account administers)
    arn = ctx.resolver.get_att([ctx.logical_id, "Arn"], ctx.line)
    ctx.property_document("KeyPolicy", "resource", targets=(str(arn),))


def _queue_policy(ctx: _Context) -> None:
    key = "Queue" if ctx.kind == "AWS::SQS::QueueInlinePolicy" else "Queues"
    partition = ctx.resolver.pseudo_value("AWS::Partition")
    arns = tuple(queue_arn(url, partition or "aws") for url, _ in ctx.texts(key))
    ctx.property_document("PolicyDocument", "resource", targets=arns)


def _secret_policy(ctx: _Context) -> None:
    secret = ctx.text("SecretId") or opaque(f"secret of {ctx.logical_id}")
    if not secret.startswith("arn:"):  # a name, or an ARN none of which is known
        partition = ctx.resolver.pseudo_value("AWS::Partition")
        secret = (
            f"arn:{partition}:secretsmanager:{opaque('region')}:{opaque('account')}:secret:"
            + (secret if has_opaque(secret) else f"{secret}-{opaque('suffix')}")
        )
    ctx.property_document("ResourcePolicy", "resource", targets=(secret,))


def _table_policy(ctx: _Context) -> None:
    """``AWS::DynamoDB::Table``: ``ResourcePolicy.PolicyDocument``, the table's (and its
    indexes') resource policy, and ``StreamSpecification.ResourcePolicy``, the policy of
    the table's stream (CloudFormation template reference, "AWS::DynamoDB::Table
    StreamSpecification"). A stream carries every item written to the table, so its
    policy opens the table's data by the stream's ARN (``through`` the table)."""
    arn = str(ctx.resolver.get_att([ctx.logical_id, "Arn"], ctx.line))
    raw = ctx.props.get("ResourcePolicy")
    if raw is not None:
        _dynamodb_policy(ctx, raw, ctx.prop_line("ResourcePolicy"), "ResourcePolicy", arn)
    spec = ctx.props.get("StreamSpecification")
    if isinstance(spec, Mapping) and "ResourcePolicy" in spec:
        line = ctx.line
        if isinstance(spec, Node):
            line = spec.key_lines.get("ResourcePolicy", line)
        _dynamodb_policy(ctx, spec["ResourcePolicy"], line,
                         "StreamSpecification.ResourcePolicy", arn, stream=True)  # fmt: skip


def _dynamodb_policy(
    ctx: _Context, raw: Any, line: int, path: str, table_arn: str, *, stream: bool = False
) -> None:
    """One DynamoDB ``ResourcePolicy`` (``{PolicyDocument: ...}``) at ``path``: the
    table's own, or (``stream``) its stream's, whose requests reach the table's items
    by ``<table ARN>/stream/<label>``."""
    if not isinstance(raw, Mapping) or "PolicyDocument" not in raw:
        raise TemplateError(f"`{path}` must be a mapping with `PolicyDocument`",
                            ctx.out.file, line)  # fmt: skip
    ctx.read_paths.add(path)
    doc_line = raw.key_lines.get("PolicyDocument", line) if isinstance(raw, Node) else line
    if stream:
        ctx.document(raw["PolicyDocument"], doc_line, path, "resource",
                     targets=(f"{table_arn}/stream/{opaque('stream label')}",),
                     through=(table_arn,))  # fmt: skip
    else:
        ctx.document(raw["PolicyDocument"], doc_line, path, "resource", targets=(table_arn,))


def _global_table_policies(ctx: _Context) -> None:
    """``AWS::DynamoDB::GlobalTable``: each replica's ``ResourcePolicy``."""
    replicas = ctx.props.get("Replicas")
    if not isinstance(replicas, list):
        return
    name = ctx.text("TableName") or opaque(f"name of {ctx.logical_id}")
    partition = ctx.resolver.pseudo_value("AWS::Partition")
    account = ctx.resolver.pseudo_value("AWS::AccountId")
    for i, replica in enumerate(replicas):
        if not isinstance(replica, Mapping):
            continue
        stream = replica.get("ReplicaStreamSpecification")
        stream_policy = stream.get("ResourcePolicy") if isinstance(stream, Mapping) else None
        if replica.get("ResourcePolicy") is None and stream_policy is None:
            continue
        line = line_of(replica, ctx.prop_line("Replicas"))
        region = ctx.resolver.text(replica.get("Region", opaque("region")), line, "`Region`")
        arn = f"arn:{partition}:dynamodb:{region}:{account}:table/{name}"
        if replica.get("ResourcePolicy") is not None:
            raw = replica["ResourcePolicy"]
            _dynamodb_policy(ctx, raw, line_of(raw, line), f"Replicas[{i}].ResourcePolicy", arn)
        if stream_policy is not None:
            _dynamodb_policy(ctx, stream_policy, line_of(stream_policy, line),
                             f"Replicas[{i}].ReplicaStreamSpecification.ResourcePolicy", arn,
                             stream=True)  # fmt: skip


def _topic_policy(ctx: _Context) -> None:
    key = "TopicArn" if ctx.kind == "AWS::SNS::TopicInlinePolicy" else "Topics"
    targets = tuple(t for t, _ in ctx.texts(key))
    ctx.property_document("PolicyDocument", "resource", targets=targets)


def _access_point(ctx: _Context) -> None:
    """``AWS::S3::AccessPoint`` ``Policy`` (optional): the access point's policy, which
    opens its bucket's data to requests made through the access point."""
    if "Policy" not in ctx.props:
        return
    arn = ctx.resolver.get_att([ctx.logical_id, "Arn"], ctx.line)
    partition = ctx.resolver.pseudo_value("AWS::Partition")
    bucket = ctx.text("Bucket") or opaque(f"bucket of {ctx.logical_id}")
    ctx.property_document("Policy", "resource", targets=(str(arn), f"{arn}/object/*"),
                          through=(f"arn:{partition}:s3:::{bucket}",))  # fmt: skip


def _object_lambda_policy(ctx: _Context) -> None:
    """``AWS::S3ObjectLambda::AccessPointPolicy``: the policy of an Object Lambda access
    point; the bucket behind it (through its supporting access point) is not read."""
    name = ctx.text("ObjectLambdaAccessPoint") or opaque(f"access point of {ctx.logical_id}")
    region, account = _region_account(ctx)
    partition = ctx.resolver.pseudo_value("AWS::Partition")
    arn = f"arn:{partition}:s3-object-lambda:{region}:{account}:accesspoint/{name}"
    ctx.property_document("PolicyDocument", "resource", targets=(arn, f"{arn}/object/*"),
                          through=(f"arn:{partition}:s3:::{opaque('bucket')}",))  # fmt: skip


def _multi_region_policy(ctx: _Context) -> None:
    """``AWS::S3::MultiRegionAccessPointPolicy``: the policy of a Multi-Region Access
    Point (its ARN holds an alias the template does not give; its buckets not read)."""
    _region, account = _region_account(ctx)
    partition = ctx.resolver.pseudo_value("AWS::Partition")
    arn = f"arn:{partition}:s3::{account}:accesspoint/{opaque('alias')}"
    ctx.property_document("Policy", "resource", targets=(arn, f"{arn}/object/*"),
                          through=(f"arn:{partition}:s3:::{opaque('bucket')}",))  # fmt: skip


def _region_account(ctx: _Context) -> tuple[str, str]:
    region = ctx.resolver.pseudo_value("AWS::Region") or opaque("region")
    account = ctx.resolver.pseudo_value("AWS::AccountId") or opaque("account")
    return region, account


def _serverless(ctx: _Context) -> None:
    from .sam import read_sam_policies

    read_sam_policies(ctx)


_READERS = {
    "AWS::IAM::Role": _role,
    "AWS::IAM::ManagedPolicy": _identity_policy,
    "AWS::IAM::Policy": _identity_policy,
    "AWS::IAM::RolePolicy": _identity_policy,
    "AWS::S3::BucketPolicy": _bucket_policy,
    "AWS::KMS::Key": _key_policy,
    "AWS::SQS::QueuePolicy": _queue_policy,
    "AWS::SecretsManager::ResourcePolicy": _secret_policy,
    "AWS::DynamoDB::Table": _table_policy,
    "AWS::DynamoDB::GlobalTable": _global_table_policies,
    "AWS::SQS::QueueInlinePolicy": _queue_policy,
    "AWS::SNS::TopicPolicy": _topic_policy,
    "AWS::SNS::TopicInlinePolicy": _topic_policy,
    "AWS::KMS::ReplicaKey": _key_policy,
    "AWS::S3::AccessPoint": _access_point,
    "AWS::S3ObjectLambda::AccessPointPolicy": _object_lambda_policy,
    "AWS::S3::MultiRegionAccessPointPolicy": _multi_region_policy,
    "AWS::Serverless::Function": _serverless,
    "AWS::Serverless::StateMachine": _serverless,
}

#: Every resource type the reader extracts policies from.
READ_TYPES = tuple(_READERS)


def iter_types(template: Mapping[str, Any]) -> Iterator[str]:
    resources = template.get("Resources")
    if isinstance(resources, Mapping):
        for r in resources.values():
            if isinstance(r, Mapping):
                yield str(r.get("Type", ""))
