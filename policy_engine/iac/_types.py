"""What the readers yield: policies with their owner and lines, roles, problems."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

IacFormat: TypeAlias = Literal["cloudformation", "sam", "terraform"]
PolicyKind: TypeAlias = Literal["identity", "trust", "resource"]


@dataclass(frozen=True)
class ExtractedPolicy:
    """One policy document found in a template or plan.

    ``owner`` is the CloudFormation logical ID or the Terraform address; ``name``
    says which of the owner's policies it is (``Policies[0] orders``,
    ``AssumeRolePolicyDocument``...). ``document`` is resolved: strings may hold
    opaque parts (see :func:`policy_engine.iac.widen_policy`). ``lines`` maps JSON
    paths (``$``, ``$.Statement[1]``, ``$.Statement[1].Resource``) to source lines.
    ``roles`` are the names of the roles an identity policy is attached to;
    ``targets`` the ARNs of the resources a resource policy is attached to;
    ``through`` the ARNs of the buckets whose data an access point policy opens
    (its requests reach them through the access point, not by their own ARN);
    ``inline_name`` the name of an inline (role) policy, by which IAM keeps one policy
    per role (``PutRolePolicy`` with a name the role has replaces that policy)."""

    file: str
    owner: str
    resource_type: str
    name: str
    kind: PolicyKind
    document: Mapping[str, Any]
    line: int
    lines: Mapping[str, int] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    through: tuple[str, ...] = ()
    inline_name: str | None = None

    @property
    def label(self) -> str:
        return f"{self.owner} {self.name}"


@dataclass(frozen=True)
class RoleInfo:
    """A role of the template: its name (resolved; may hold opaque parts), its
    trust policy, the managed policies attached by ARN, and its permissions boundary
    (recorded, never used to narrow a finding: a boundary only takes away)."""

    file: str
    owner: str
    name: str
    arn: str
    line: int
    trust: ExtractedPolicy | None
    managed: tuple[tuple[str, int], ...] = ()  # (ARN as written, resolved; line)
    boundary: str | None = None


@dataclass(frozen=True)
class LambdaFunction:
    """A Lambda function of the template: ``owner`` its logical ID / address, its
    ``name`` and the ARN of the ``role`` it runs as (resolved; may hold opaque parts)."""

    owner: str
    name: str
    role: str
    line: int


@dataclass(frozen=True)
class InvokePermission:
    """A permission to invoke a Lambda function (``AWS::Lambda::Permission``,
    ``aws_lambda_permission``). ``function`` is the owner of a function of the same
    template when the permission refers to it, else ``None`` and ``function_name`` is
    the name it gives (resolved; opaque when unknown). ``source_arn`` is ``None`` when
    not given."""

    owner: str
    line: int
    function: str | None
    function_name: str
    principal: str
    source_arn: str | None


@dataclass(frozen=True)
class Problem:
    """Something the reader could not read or resolve (a lint finding). ``api``: a
    PE114 about an API Gateway resource policy (also in ``IacTemplate.api_policies``),
    which the deployed check reports itself (PE091) where it may allow."""

    rule: str
    severity: Literal["error", "warning", "info"]
    message: str
    line: int | None
    owner: str | None = None
    api: bool = False


@dataclass
class IacTemplate:
    """Everything read from one template or plan."""

    file: str
    format: IacFormat
    text: str
    policies: list[ExtractedPolicy] = field(default_factory=list)
    roles: list[RoleInfo] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resources: int = 0  # resources (or resource changes) read
    #: named resources that can carry a resource policy, as (ARN, owner, line): a model
    #: resource created with no policy of the template on it has none deployed
    created: list[tuple[str, str, int]] = field(default_factory=list)
    #: owners (logical IDs, addresses) deployed only under a condition the lint cannot
    #: decide (it depends on a parameter with no value), or that another resource may
    #: remove (a plan's exclusive management of a role's policies): their policies are
    #: read as deployed, and their Deny statements, which may not be, fence nothing in
    #: the deployed proof
    undecided: set[str] = field(default_factory=set)
    #: API Gateway resource policies, as (owner, where, line, whether it may allow):
    #: not compared with the catalogue; one that may allow makes routes unknown
    api_policies: list[tuple[str, str, int, bool]] = field(default_factory=list)
    #: Cognito app clients and the user attributes their users may write, as (owner,
    #: attributes, line); ``None`` when the list is not known (an intrinsic, after apply)
    claim_writers: list[tuple[str, tuple[str, ...] | None, int]] = field(default_factory=list)
    stand_ins: tuple[str, ...] = ()  # pseudo parameters read as their stand-ins
    #: access granted outside any policy document (an S3 ACL), as (ARN of the resource
    #: it opens, what grants it, owner, line): no proof reads it, so on a model resource
    #: isolation is unknown
    grants: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: roles given policies the reader cannot read (a SAM connector's source role), as
    #: (role name, what gives them, owner, line): on a tier role, isolation is unknown
    role_grants: list[tuple[str, str, str, int]] = field(default_factory=list)
    #: Lambda functions and the permissions that let others invoke them: whoever may
    #: invoke the credential vendor's function writes the tenant context it trusts
    functions: list[LambdaFunction] = field(default_factory=list)
    invokes: list[InvokePermission] = field(default_factory=list)
    #: the permissions SAM writes for a function's event sources (``Api``, ``S3``,
    #: ``SNS``, ``Schedule``...: a service may invoke the function), each as a permission
    #: of that service; ``invokes`` holds those whose sender writes the event
    event_invokes: list[InvokePermission] = field(default_factory=list)
    #: queues, topics, buckets and event buses that feed a function (a SAM ``SQS`` /
    #: ``SNS`` / ``S3`` / ``EventBridgeRule`` event, an event source mapping, a Lambda
    #: subscription, a bucket notification, a rule's target), as (owner, function owner or None,
    #: function name, source ARN, line): whoever may write to the source writes the
    #: function's event
    triggers: list[tuple[str, str | None, str, str, int]] = field(default_factory=list)
    #: sources whose write permission is given outside a resource policy the readers
    #: read (an EventBridge bus policy: ``AWS::Events::EventBusPolicy``, a bus's
    #: ``Policy``) and may let anyone write, as (source ARN, owner, line)
    open_writers: list[tuple[str, str, int]] = field(default_factory=list)
    #: SAM ``Api`` / ``HttpApi`` events on a method no authorizer guards: anyone may
    #: invoke the function through it (each as a permission to ``*``)
    open_invokes: list[InvokePermission] = field(default_factory=list)
    #: what calls AWS as a role for every caller of an API (an AppSync data source, an
    #: API Gateway AWS integration's ``Credentials``), as (owner, role ARN, line,
    #: whether anyone or an API key may call the API: ``API_KEY`` among an AppSync
    #: API's authorization types, a method without authorizer, or not known here)
    data_sources: list[tuple[str, str, int, bool]] = field(default_factory=list)
