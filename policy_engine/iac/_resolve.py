"""Symbolic resolution of CloudFormation intrinsic functions.

Parameters resolve to their ``--parameter`` value, else their ``Default``; pseudo
parameters to their given value, else a stand-in for the stack's own account, region
and partition (a renaming: every mention of "this account" stays equal, see
:data:`PSEUDO_STAND_INS`); ``Fn::Sub`` / ``Fn::Join`` to strings; ``Ref`` / ``Fn::GetAtt``
of the template's own resources to the ARN or name CloudFormation would give when
the template names the resource. Anything else is an **opaque** part: a marked
span inside the resolved string (:func:`opaque`), never a silent ``*``. How the lint
then reads an opaque part is :func:`policy_engine.iac.widen_policy`'s rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._nodes import Node, NodeList, TemplateError, line_of

_OPEN, _CLOSE = "\ue000", "\ue001"
_OPAQUE = re.compile(f"{_OPEN}([^{_CLOSE}]*){_CLOSE}")

_MARK_OPEN, _MARK_CLOSE = "\ue002", "\ue003"
_MARKED = re.compile(f"{_MARK_OPEN}([^{_MARK_CLOSE}]*){_MARK_CLOSE}")


def deploy_time(label: str) -> str:
    """A value fixed for one deployment but unknown here (the stack's name, a plan's
    partition): equal to itself, so two mentions are one value, yet any text where it
    says which resource or role something is (:func:`widen_text`)."""
    return f"{_MARK_OPEN}{label}{_MARK_CLOSE}"


#: The stack's name when not given. It is chosen at each deploy (``--stack-name``), so
#: a name built from it may be any name, a model resource's or a tier role's: where a
#: name says which resource a policy is on, which resource is created, or which role it
#: is (:func:`widen_text`), it reads as any text. Inside a policy's statements it reads
#: as the stand-in ``stack-name`` (:func:`with_stand_ins`): one stack, one name.
STACK_NAME = deploy_time("AWS::StackName")

#: The partition of a Terraform plan's ARNs that the plan does not spell out (the
#: provider's: ``aws``, ``aws-cn``, ``aws-us-gov``...).
PARTITION = deploy_time("partition")

_STAND_INS = {STACK_NAME: "stack-name", PARTITION: "aws"}


#: Stand-ins for pseudo parameters not given with ``--parameter``: the stack's own
#: partition, account and region. Every mention resolves to the same value, so
#: equality ("this account") is kept and nothing is widened or narrowed.
PSEUDO_STAND_INS = {
    "AWS::Partition": "aws",
    "AWS::AccountId": "000000000000",
    "AWS::Region": "stack-region",
    "AWS::StackName": STACK_NAME,
    "AWS::URLSuffix": "amazonaws.com",
}


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE: Any = _NoValue()


def opaque(label: str) -> str:
    """A marked opaque part: what it stands for, unresolved."""
    return f"{_OPEN}{label.replace(_OPEN, '').replace(_CLOSE, '')}{_CLOSE}"


def has_opaque(value: Any) -> bool:
    if isinstance(value, str):
        return _OPEN in value
    if isinstance(value, Mapping):
        return any(has_opaque(k) or has_opaque(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_opaque(v) for v in value)
    return False


#: A parameter type whose value is the name of a Systems Manager parameter, whose own
#: value CloudFormation reads at each deploy (CloudFormation User Guide, "Specify
#: existing resources at runtime with CloudFormation-supplied parameter types").
_SSM_PARAMETER = "AWS::SSM::Parameter::Value<"
#: A dynamic reference (``{{resolve:ssm:name}}``, ``{{resolve:secretsmanager:...}}``),
#: which CloudFormation replaces with a stored value at each deploy (CloudFormation
#: User Guide, "Get values stored in other services using dynamic references").
_DYNAMIC = re.compile(r"\{\{resolve:[^{}]*\}\}")


def dynamic_references(text: str) -> str:
    """``text`` with each dynamic reference as an opaque part: its value is not known
    here, and may be any name, a tier role's or a model resource's."""
    if "{{resolve:" not in text:
        return text
    return _DYNAMIC.sub(lambda m: opaque(f"dynamic reference {m.group(0)[2:-2]}"), text)


def widen_text(text: str) -> str:
    """Each opaque part, and each deploy-time value (:func:`deploy_time`), as ``*``."""
    return _MARKED.sub("*", _OPAQUE.sub("*", text))


def names_stack(value: Any) -> bool:
    """Whether a resolved value holds a deploy-time value (the stack's name...)."""
    return _MARK_OPEN in (value if isinstance(value, str) else json.dumps(value))


def with_stand_ins(value: Any) -> Any:
    """A resolved value with each deploy-time value as its stand-in (``stack-name``)."""
    if isinstance(value, str):
        return _MARKED.sub(lambda m: _STAND_INS.get(m.group(0), m.group(1)), value)
    if isinstance(value, list):
        return [with_stand_ins(v) for v in value]
    if isinstance(value, Mapping):
        return {with_stand_ins(k): with_stand_ins(v) for k, v in value.items()}
    return value


def shown(text: str) -> str:
    """A resolved string for messages: opaque parts (and the stack's name) as ``<...>``."""
    return _MARKED.sub(lambda m: f"<{m.group(1)}>", _OPAQUE.sub(lambda m: f"<{m.group(1)}>", text))


#: Resource types: (property that names the resource, Ref format, GetAtt formats).
#: ``{name}`` is the resource's name, ``{P}``/``{R}``/``{A}``/``{U}`` the partition,
#: region, account and URL suffix; ``{path}`` an IAM path.
_TYPES: dict[str, tuple[str | None, str, dict[str, str]]] = {
    "AWS::S3::Bucket": ("BucketName", "{name}", {"Arn": "arn:{P}:s3:::{name}"}),
    "AWS::IAM::Role": ("RoleName", "{name}", {"Arn": "arn:{P}:iam::{A}:role{path}{name}"}),
    "AWS::IAM::User": ("UserName", "{name}", {"Arn": "arn:{P}:iam::{A}:user{path}{name}"}),
    "AWS::IAM::ManagedPolicy": (
        "ManagedPolicyName", "arn:{P}:iam::{A}:policy{path}{name}",
        {"PolicyArn": "arn:{P}:iam::{A}:policy{path}{name}"},
    ),
    "AWS::SQS::Queue": (
        "QueueName", "https://sqs.{R}.{U}/{A}/{name}",
        {"Arn": "arn:{P}:sqs:{R}:{A}:{name}", "QueueName": "{name}",
         "QueueUrl": "https://sqs.{R}.{U}/{A}/{name}"},
    ),
    "AWS::DynamoDB::Table": (
        "TableName", "{name}", {"Arn": "arn:{P}:dynamodb:{R}:{A}:table/{name}"},
    ),
    "AWS::SNS::Topic": (
        "TopicName", "arn:{P}:sns:{R}:{A}:{name}",
        {"TopicArn": "arn:{P}:sns:{R}:{A}:{name}", "TopicName": "{name}"},
    ),
    "AWS::SecretsManager::Secret": (
        "Name", "arn:{P}:secretsmanager:{R}:{A}:secret:{name}-{suffix}",
        {"Id": "arn:{P}:secretsmanager:{R}:{A}:secret:{name}-{suffix}"},
    ),
    "AWS::KMS::Key": (None, "{name}", {"Arn": "arn:{P}:kms:{R}:{A}:key/{name}", "KeyId": "{name}"}),
    "AWS::Lambda::Function": (
        "FunctionName", "{name}", {"Arn": "arn:{P}:lambda:{R}:{A}:function:{name}"},
    ),
    "AWS::S3::AccessPoint": (
        "Name", "{name}", {"Arn": "arn:{P}:s3:{R}:{A}:accesspoint/{name}", "Name": "{name}"},
    ),
    "AWS::S3ObjectLambda::AccessPoint": (
        "Name", "{name}",
        {"Arn": "arn:{P}:s3-object-lambda:{R}:{A}:accesspoint/{name}", "Name": "{name}"},
    ),
    "AWS::Serverless::Function": (
        "FunctionName", "{name}", {"Arn": "arn:{P}:lambda:{R}:{A}:function:{name}"},
    ),
}  # fmt: skip


class Resolver:
    """Resolves a template's values; raises :class:`TemplateError` (with the line)
    where an intrinsic function is misused or a structure cannot be decided."""

    def __init__(
        self,
        template: Mapping[str, Any],
        file: str,
        parameters: Mapping[str, str] | None = None,
    ) -> None:
        self.template = template
        self.file = file
        given = dict(parameters or {})
        self.stand_ins_used: set[str] = set()
        self.values: dict[str, Any] = {}
        #: parameters read as their ``Default`` (not given), and those a decision read
        self.defaulted: set[str] = set()
        self.default_reads: list[str] = []
        #: ``Fn::If`` decided by defaults: (line, condition, parameters)
        self.default_choices: list[tuple[int, str, tuple[str, ...]]] = []
        declared = template.get("Parameters")
        self.declared = declared if isinstance(declared, Mapping) else {}
        for name, spec in self.declared.items():
            kind = str(spec.get("Type", "")) if isinstance(spec, Mapping) else ""
            if kind.startswith(_SSM_PARAMETER):
                continue  # its value (given or default) names a parameter read at deploy
            if name in given:
                value: Any = given[name]
            elif isinstance(spec, Mapping) and "Default" in spec:
                value = spec["Default"]
                self.defaulted.add(str(name))
            else:
                continue
            if (kind == "CommaDelimitedList" or kind.startswith("List<")) and isinstance(
                value, str
            ):
                value = [v.strip() for v in value.split(",")]
            elif isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            self.values[name] = value
        self.pseudo = {k: v for k, v in given.items() if k.startswith("AWS::")}
        resources = template.get("Resources")
        self.resources: Mapping[str, Any] = resources if isinstance(resources, Mapping) else {}
        conditions = template.get("Conditions")
        self.conditions: Mapping[str, Any] = conditions if isinstance(conditions, Mapping) else {}
        mappings = template.get("Mappings")
        self.mappings: Mapping[str, Any] = mappings if isinstance(mappings, Mapping) else {}
        self._deciding: set[str] = set()

    # -- values ------------------------------------------------------------------------

    def pseudo_value(self, name: str) -> str | None:
        if name in self.pseudo:
            return self.pseudo[name]
        if name == "AWS::URLSuffix":
            return (
                "amazonaws.com.cn"
                if self.pseudo_value("AWS::Partition") == "aws-cn"
                else ("amazonaws.com")
            )
        if name in PSEUDO_STAND_INS:
            self.stand_ins_used.add(name)
            return PSEUDO_STAND_INS[name]
        return None

    def fail(self, message: str, node: Any, line: int) -> TemplateError:
        return TemplateError(message, self.file, line_of(node, line))

    def resolve(self, value: Any, line: int = 0) -> Any:
        """A plain JSON value: strings may hold opaque parts; ``AWS::NoValue`` is
        dropped from lists and mappings (and returned as :data:`NO_VALUE` alone)."""
        line = line_of(value, line)
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key,) = value
                handler = _FUNCTIONS.get(key)
                if handler is not None:
                    result = handler(self, value[key], line)
                    return dynamic_references(result) if isinstance(result, str) else result
            out: dict[str, Any] = {}
            for k, v in value.items():
                resolved = self.resolve(v, line)
                if resolved is not NO_VALUE:
                    out[str(k)] = resolved
            return out
        if isinstance(value, list):
            items = [self.resolve(v, line) for v in value]
            return [v for v in items if v is not NO_VALUE]
        if isinstance(value, str):
            return dynamic_references(value)
        return value

    def text(self, value: Any, line: int, what: str) -> str:
        resolved = self.resolve(value, line)
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, int | float):
            return str(resolved)
        if not isinstance(resolved, str):
            raise self.fail(f"{what} must resolve to a string, not {_kind(resolved)}", value, line)
        return resolved

    # -- Ref and GetAtt -------------------------------------------------------------------

    def ref(self, name: Any, line: int) -> Any:
        if not isinstance(name, str):
            raise self.fail(f"`Ref` takes a name, not {_kind(name)}", name, line)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name.startswith("AWS::"):
            value = self.pseudo_value(name)
            return value if value is not None else opaque(name)
        if name in self.values:
            if name in self.defaulted:
                self.default_reads.append(name)
            return self.values[name]
        if name in self.declared:
            return opaque(f"parameter {name}")
        if name in self.resources:
            return self._resource_value(name, None, line)
        raise self.fail(f"`Ref` to `{name}`, which is no parameter or resource", None, line)

    def get_att(self, args: Any, line: int) -> Any:
        if isinstance(args, str):
            args = args.split(".", 1)
        if not (isinstance(args, list) and len(args) == 2 and isinstance(args[0], str)):
            raise self.fail("`Fn::GetAtt` takes [resource, attribute]", args, line)
        name, attribute = args[0], self.text(args[1], line, "a `Fn::GetAtt` attribute")
        if name not in self.resources:
            raise self.fail(f"`Fn::GetAtt` of `{name}`, which is no resource", args, line)
        return self._resource_value(name, attribute, line)

    def _resource_value(self, logical_id: str, attribute: str | None, line: int) -> str:
        resource = self.resources[logical_id]
        kind = resource.get("Type") if isinstance(resource, Mapping) else None
        label = f"{logical_id}.{attribute}" if attribute else f"Ref {logical_id}"
        spec = _TYPES.get(str(kind))
        if spec is None:
            return opaque(label)
        prop, ref_format, attributes = spec
        fmt = ref_format if attribute is None else attributes.get(attribute)
        if fmt is None:
            return opaque(label)
        props = resource.get("Properties")
        props = props if isinstance(props, Mapping) else {}
        name = props.get(prop) if prop else None
        name_text = (
            self.text(name, line, f"`{logical_id}.{prop}`")
            if name is not None
            else opaque(f"name of {logical_id}")
        )
        path = props.get("Path", "/")
        path_text = self.text(path, line, f"`{logical_id}.Path`") if path is not None else "/"
        pseudo = {"P": "AWS::Partition", "R": "AWS::Region", "A": "AWS::AccountId"}
        pseudo["U"] = "AWS::URLSuffix"
        fields = {k: self.pseudo_value(v) for k, v in pseudo.items() if "{" + k + "}" in fmt}
        return fmt.format(
            name=name_text,
            path=path_text,
            suffix=opaque(f"suffix of {logical_id}"),
            **fields,
        )

    # -- string functions ------------------------------------------------------------------

    def sub(self, args: Any, line: int) -> str:
        variables: Mapping[str, Any] = {}
        if isinstance(args, list):
            if len(args) != 2 or not isinstance(args[1], Mapping):
                raise self.fail("`Fn::Sub` takes a string or [string, {variables}]", args, line)
            args, variables = args[0], args[1]
        if not isinstance(args, str):
            raise self.fail(f"`Fn::Sub` takes a string, not {_kind(args)}", args, line)

        def replace(m: re.Match[str]) -> str:
            body = m.group(1)
            if body.startswith("!"):
                return "${" + body[1:] + "}"
            if body in variables:
                return self.text(variables[body], line, f"`Fn::Sub` variable `{body}`")
            if "." in body and not body.startswith("AWS::"):
                head, _, attribute = body.partition(".")
                return self._as_text(self.get_att([head, attribute], line), line, body)
            return self._as_text(self.ref(body, line), line, body)

        return re.sub(r"\$\{([^}]*)\}", replace, args)

    def _as_text(self, value: Any, line: int, what: str) -> str:
        if isinstance(value, list):
            return ",".join(self._as_text(v, line, what) for v in value)
        if value is NO_VALUE or isinstance(value, Mapping):
            raise self.fail(f"`${{{what}}}` does not resolve to a string", None, line)
        return str(value)

    def join(self, args: Any, line: int) -> str:
        if not (isinstance(args, list) and len(args) == 2):
            raise self.fail("`Fn::Join` takes [separator, [values]]", args, line)
        separator = self.text(args[0], line, "a `Fn::Join` separator")
        items = self.resolve(args[1], line)
        if isinstance(items, str) and _OPEN in items:
            return opaque("Fn::Join of an unresolved list")
        if not isinstance(items, list):
            raise self.fail("`Fn::Join` takes a list of values", args[1], line)
        return separator.join(self._as_text(v, line, "a `Fn::Join` value") for v in items)

    def select(self, args: Any, line: int) -> Any:
        if not (isinstance(args, list) and len(args) == 2):
            raise self.fail("`Fn::Select` takes [index, [values]]", args, line)
        index_text = self.text(args[0], line, "a `Fn::Select` index")
        items = self.resolve(args[1], line)
        if _OPEN in index_text or (isinstance(items, str) and _OPEN in items):
            return opaque("Fn::Select")
        if not index_text.isdigit() or not isinstance(items, list):
            raise self.fail("`Fn::Select` takes a number and a list", args, line)
        index = int(index_text)
        if index >= len(items):
            raise self.fail(f"`Fn::Select` index {index} is past the list's end", args, line)
        return items[index]

    def split(self, args: Any, line: int) -> list[Any] | str:
        if not (isinstance(args, list) and len(args) == 2):
            raise self.fail("`Fn::Split` takes [separator, string]", args, line)
        separator = self.text(args[0], line, "a `Fn::Split` separator")
        source = self.text(args[1], line, "a `Fn::Split` source")
        if not separator:
            raise self.fail("`Fn::Split` needs a non-empty separator", args, line)
        if _OPEN in source:
            # the separator could be inside an opaque part: split only outside them
            parts = re.split(f"({_OPAQUE.pattern})", source)
            if any(separator in p for p in parts if p.startswith(_OPEN)):
                return opaque("Fn::Split")
        return source.split(separator)

    def find_in_map(self, args: Any, line: int) -> Any:
        if not (isinstance(args, list) and len(args) in (3, 4)):
            raise self.fail("`Fn::FindInMap` takes [map, key, key]", args, line)
        keys = [self.text(a, line, "a `Fn::FindInMap` key") for a in args[:3]]
        if any(_OPEN in k for k in keys):
            return opaque("Fn::FindInMap " + ".".join(shown(k) for k in keys))
        found: Any = self.mappings
        for k in keys:
            if not isinstance(found, Mapping) or k not in found:
                raise self.fail(f"`Fn::FindInMap`: no `{'.'.join(keys)}` in Mappings", args, line)
            found = found[k]
        return self.resolve(found, line)

    def to_json_string(self, args: Any, line: int) -> str:
        return json.dumps(self.resolve(args, line), separators=(",", ":"))

    # -- conditions --------------------------------------------------------------------------

    def decide(self, name: Any, line: int) -> bool | None:
        """A named condition: True, False, or None when it depends on an unknown."""
        if not isinstance(name, str) or name not in self.conditions:
            raise self.fail(f"condition `{name}` is not in the template's Conditions", None, line)
        if name in self._deciding:
            raise self.fail(f"condition `{name}` refers to itself", None, line)
        self._deciding.add(name)
        try:
            return self.truth(self.conditions[name], line_of(self.conditions[name], line))
        finally:
            self._deciding.discard(name)

    def truth(self, value: Any, line: int) -> bool | None:
        line = line_of(value, line)
        if isinstance(value, Mapping) and len(value) == 1:
            (key,) = value
            args = value[key]
            if key == "Condition":
                return self.decide(args, line)
            if key == "Fn::Equals":
                if not (isinstance(args, list) and len(args) == 2):
                    raise self.fail("`Fn::Equals` takes two values", args, line)
                a, b = (self.resolve(x, line) for x in args)
                if has_opaque(a) or has_opaque(b) or names_stack(a) or names_stack(b):
                    return None
                return bool(_plain(a) == _plain(b))
            if key in ("Fn::And", "Fn::Or", "Fn::Not") and isinstance(args, list):
                values = [self.truth(x, line) for x in args]
                if key == "Fn::Not":
                    return None if values[0] is None else not values[0]
                if key == "Fn::And":
                    return False if False in values else (None if None in values else True)
                return True if True in values else (None if None in values else False)
        raise self.fail(
            "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition", value, line
        )

    def if_(self, args: Any, line: int) -> Any:
        if not (isinstance(args, list) and len(args) == 3):
            raise self.fail("`Fn::If` takes [condition, value if true, value if false]", args, line)
        before = len(self.default_reads)
        decided = self.decide(args[0], line)
        if decided is not None and len(self.default_reads) > before:
            read = tuple(dict.fromkeys(self.default_reads[before:]))
            self.default_choices.append((line, str(args[0]), read))
        if decided is None:
            chosen = [self.resolve(a, line) for a in args[1:]]
            if all(isinstance(c, str) for c in chosen):
                return opaque(f"Fn::If {args[0]}")
            raise self.fail(
                f"condition `{args[0]}` cannot be decided (it depends on a parameter with "
                "no default): pass its parameters with --parameter NAME=VALUE",
                args,
                line,
            )
        return self.resolve(args[1] if decided else args[2], line)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return type(value).__name__


def _opaque_function(name: str) -> Callable[[Resolver, Any, int], str]:
    return lambda r, args, line: opaque(name)


_FUNCTIONS: dict[str, Callable[[Resolver, Any, int], Any]] = {
    "Ref": Resolver.ref,
    "Fn::GetAtt": Resolver.get_att,
    "Fn::Sub": Resolver.sub,
    "Fn::Join": Resolver.join,
    "Fn::Select": Resolver.select,
    "Fn::Split": Resolver.split,
    "Fn::If": Resolver.if_,
    "Fn::FindInMap": Resolver.find_in_map,
    "Fn::ToJsonString": Resolver.to_json_string,
    "Fn::ImportValue": _opaque_function("Fn::ImportValue"),
    "Fn::GetAZs": _opaque_function("Fn::GetAZs"),
    "Fn::Base64": _opaque_function("Fn::Base64"),
    "Fn::Cidr": _opaque_function("Fn::Cidr"),
    "Fn::Length": _opaque_function("Fn::Length"),
}

__all__ = ["NO_VALUE", "PSEUDO_STAND_INS", "Node", "NodeList", "Resolver", "opaque"]
