"""What an allowed action does beyond the resource its request names.

The shapes ask where a request of tenant A lands (its resource ARN and partition
keys). That answers the question only for actions whose effect stays on that
resource: reads and listings of the resource types in :data:`CONFINED_READ_TYPES`,
which return the named resource's data, and the data-plane writes listed in
:data:`CONFINED_WRITES`. Another read may act on more than its ARN (an OpenSearch
multi-document body, credentials vended for a target in the parameters): ``unknown``.
Any other write, permissions or tagging action on a resource changes what a service
later does with the resource (where a stream delivers, which events a rule matches,
what code a function runs with its role), which the proof does not model: a grant of
one is ``unknown`` (``_beyond._unconfined``), unless it is a deputy write
(``_shapes.DEPUTY_WRITES``, a violation) or an escalation action (the escalation
shape). The lists are allow-lists:
an action missing from them is ``unknown``, never passed over.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

#: Write-level actions whose effect is confined to the resource the request names,
#: on a tenant's own resource or partition: they store, change or remove that
#: resource's own data (or, for KMS, use the named key and store nothing). What they
#: store may still be acted on by the resource's configuration (S3 event
#: notifications and replication rules filtered by the object key: CloudFormation
#: ``AWS::S3::Bucket NotificationFilter`` "object key name filtering rules" and
#: ``ReplicationRule`` ``Filter.Prefix``; a queue's or a table stream's event source
#: mappings filtered by the body, Lambda ``FilterCriteria``): on a tenant's own
#: resource or partition that configuration serves the tenant; on a ``shared``
#: resource it serves every tenant, so such a write there is ``unknown`` unless it is
#: on :data:`STORES_NOTHING`. Each reason is the documented behaviour (service API
#: references).
CONFINED_WRITES: Mapping[str, str] = {
    "s3:putobject": "adds the object named by the request's bucket and key (S3 API "
    "reference, PutObject); nothing else is written",
    "s3:deleteobject": "removes the object (or version) named by the request's bucket and "
    "key (S3 API reference, DeleteObject)",
    "s3:abortmultipartupload": "discards the parts of one upload of the named object "
    "(S3 API reference, AbortMultipartUpload)",
    "dynamodb:putitem": "creates or replaces one item of the named table (DynamoDB API "
    "reference, PutItem); its key is the request's `dynamodb:LeadingKeys`",
    "dynamodb:updateitem": "edits one item of the named table (DynamoDB API reference, UpdateItem)",
    "dynamodb:deleteitem": "deletes one item of the named table (DynamoDB API reference, "
    "DeleteItem)",
    "dynamodb:batchwriteitem": "puts or deletes items of the tables it names, each authorised "
    "as PutItem/DeleteItem on that table with its leading keys (DynamoDB API reference, "
    "BatchWriteItem)",
    "sqs:sendmessage": "adds a message to the named queue (SQS API reference, SendMessage; the "
    "SQS Developer Guide, batch actions: its permission covers SendMessageBatch)",
    "sqs:deletemessage": "deletes a received message from the named queue by its receipt "
    "handle (SQS API reference, DeleteMessage)",
    "sqs:changemessagevisibility": "changes the visibility timeout of a received message of "
    "the named queue (SQS API reference, ChangeMessageVisibility)",
    "kms:encrypt": "returns ciphertext made with the named key; nothing is stored (KMS API "
    "reference, Encrypt)",
    "kms:decrypt": "returns the plaintext of a ciphertext made with the named key; nothing is "
    "stored (KMS API reference, Decrypt)",
    "kms:generatedatakey": "returns a new data key encrypted under the named key; nothing is "
    "stored (KMS API reference, GenerateDataKey)",
    "kms:generatedatakeywithoutplaintext": "as GenerateDataKey, without the plaintext copy "
    "(KMS API reference, GenerateDataKeyWithoutPlaintext)",
    "secretsmanager:putsecretvalue": "stores a new version of the named secret's value "
    "(Secrets Manager API reference, PutSecretValue)",
    "execute-api:invoke": "calls the named route (API Gateway Developer Guide, 'Control "
    "access for invoking an API': the method ARN is the API, stage, method and path); "
    "API Gateway runs that route's integration, which the proof trusts as it trusts the "
    "routes the authorizer's policy opens (`check_api`)",
}

#: Confined writes whose effect is the named route's own integration, the platform's
#: configuration of that route: on a ``shared`` route (declared to hold no tenant's
#: data, such as a product catalogue every tenant reads) it serves every tenant by
#: design, as the authorizer's policy check (`check_api`) reads it.
ROUTE_CALLS = frozenset({"execute-api:invoke"})

#: Confined writes that store nothing in the resource they name (KMS API reference:
#: Encrypt "encrypts plaintext into ciphertext by using a KMS key" and returns the
#: ``CiphertextBlob``; Decrypt and GenerateDataKey* likewise return their result to the
#: caller; the key is used, not changed): nothing is left that a notification, replication rule or
#: consumer could carry on, so they stay confined on a ``shared`` resource too.
STORES_NOTHING = frozenset(
    {
        "kms:encrypt",
        "kms:decrypt",
        "kms:generatedatakey",
        "kms:generatedatakeywithoutplaintext",
    }
)

#: Write-level actions on which the service itself acts on the request's data with the
#: named resource's own configuration and role: it delivers a message to a topic's
#: subscriptions (chosen by their filter policies on the message), an event to the
#: targets of the bus's matching rules, records to a delivery stream's destination,
#: or runs a function's code / a state machine's definition on the input. On a
#: tenant's own resource (one whose ARN lies in the tenant's partition by ARN) that
#: configuration is the tenant's (changing it is a configuration write: ``unknown``);
#: on a resource tenants share (``shared``, or pooled and told apart only by condition
#: keys the caller sets, such as ``events:source``) it serves every tenant, so the
#: content the caller sets chooses whose partition the data reaches: ``unknown``.
ROUTED_WRITES: Mapping[str, str] = {
    "sns:publish": "SNS delivers the message to every subscription of the topic whose filter "
    "policy matches the message's attributes or body, which the publisher sets (SNS "
    "Developer Guide, message filtering); PublishBatch is authorised as sns:Publish",
    "events:putevents": "the bus delivers each event to the targets of every rule whose event "
    "pattern matches the event's content, which the caller sets (EventBridge User Guide, "
    "event patterns)",
    "firehose:putrecord": "the stream delivers the record to its configured destination with "
    "its own role; dynamic partitioning may choose the S3 prefix from the record's content "
    "(Firehose Developer Guide, dynamic partitioning)",
    "firehose:putrecordbatch": "as firehose:PutRecord, for up to 500 records",
    "lambda:invokefunction": "runs the function's code on the caller's payload; Lambda assumes "
    "the function's execution role when it is invoked (Lambda Developer Guide, execution role)",
    "states:startexecution": "runs the state machine's definition with its role on the "
    "caller's input (Step Functions API reference, StartExecution)",
    "states:startsyncexecution": "as states:StartExecution, for Express workflows",
}

#: The resource types, per service, whose Read and List actions return data of the
#: resources the request names and IAM authorises, and nothing else: each such request
#: names its resources by identifier (bucket and key, table, queue URL, topic, key ID,
#: secret ID, parameter name, function, state machine or execution, rule, stream), the
#: action data gives the resource type it is authorised on, and a request naming several
#: (BatchGetItem, GetParameters, a PartiQL statement's tables) is authorised on each.
#: A read counts as confined only when every resource type it takes is listed for its
#: service. Other reads may act on more than the ARN IAM sees: an OpenSearch `_mget` or
#: `_msearch` body names other indexes than the path the request is authorised on
#: (Amazon OpenSearch Service API reference, AdvancedOptionsStatus:
#: `rest.action.multi.allow_explicit_index` "Specifies whether explicit references to
#: indexes are allowed inside the body of HTTP requests. If you want to configure
#: access policies for domain sub-resources, such as specific indexes and domain APIs,
#: you must disable this property. Default is true."); `s3:GetDataAccess` (Read, on the
#: Access Grants instance) vends STS credentials for the S3 `target` its parameters name,
#: within the grants of the caller's role (S3 API reference, GetDataAccess; S3 User
#: Guide, "Request access to Amazon S3 data through S3 Access Grants"). A grant of such
#: a read on a resource of the model is ``unknown``. An allow-list: a service or type
#: missing here is never passed.
CONFINED_READ_TYPES: Mapping[str, frozenset[str]] = {
    "s3": frozenset(
        {"bucket", "object", "accesspoint", "accesspointobject", "multiregionaccesspoint"}
    ),
    "dynamodb": frozenset(
        {"table", "index", "stream", "backup", "export", "import", "global-table"}
    ),
    "sqs": frozenset({"queue"}),
    "sns": frozenset({"topic"}),
    "kms": frozenset({"key"}),
    "secretsmanager": frozenset({"Secret"}),
    "ssm": frozenset({"parameter", "document"}),
    "lambda": frozenset(
        {
            "function",
            "function alias",
            "function version",
            "layerVersion",
            "eventSourceMapping",
            "code signing config",
        }
    ),
    "states": frozenset({"statemachine", "execution", "express", "activity", "maprun"}),
    "events": frozenset(
        {
            "event-bus",
            "rule-on-custom-event-bus",
            "rule-on-default-event-bus",
            "archive",
            "replay",
            "connection",
            "api-destination",
            "endpoint",
            "event-source",
        }
    ),
    "firehose": frozenset({"deliverystream"}),
    "pipes": frozenset({"pipe"}),
    "glue": frozenset({"job", "crawler", "trigger", "workflow", "catalog", "database", "table"}),
    "kinesis": frozenset({"stream", "consumer"}),
    "cloudwatch": frozenset({"alarm", "dashboard"}),
    "iam": frozenset({"role", "policy", "user", "group", "instance-profile"}),
}

#: Why the reads of each service's types in :data:`CONFINED_READ_TYPES` are confined.
CONFINED_READ_SERVICES: Mapping[str, str] = {
    "s3": "GetObject and its kin name one object (a copy's source is authorised as its "
    "own GetObject, through an access point too); ListBucket lists the named bucket or "
    "access point under `s3:prefix`; not the Access Grants reads (GetDataAccess vends "
    "credentials for a target its parameters name), Storage Lens, jobs, Object Lambda",
    "dynamodb": "item reads name their table (BatchGetItem, PartiQL statements: each "
    "table, with its leading keys; a PartiQL SELECT that scans is SCANS_BEYOND_KEY's); "
    "streams, backups, exports and imports are resources of their own",
    "sqs": "ReceiveMessage and the attribute reads name one queue by its URL",
    "sns": "topic reads name one topic",
    "kms": "key reads name one key (a ciphertext's key is the key authorised)",
    "secretsmanager": "GetSecretValue and DescribeSecret name one secret "
    "(BatchGetSecretValue needs GetSecretValue on each)",
    "ssm": "GetParameter, GetParameters and GetParameterHistory are authorised on each "
    "parameter they name, GetParametersByPath on the path it reads below (SSM User "
    "Guide, 'How Parameter Store authorizes parameter retrieval'; the container shapes)",
    "lambda": "function reads name one function, version or alias (GetFunction's code "
    "location is the named function's)",
    "states": "reads name one state machine, execution, activity or map run",
    "events": "reads name one bus, rule, archive, replay or connection (no secret value)",
    "firehose": "reads name one delivery stream",
    "pipes": "DescribePipe names one pipe and returns its own configuration",
    "glue": "job, crawler, trigger and workflow reads name the resource they describe; "
    "Data Catalog reads are authorised on the catalog, database and table they name",
    "kinesis": "GetRecords and GetShardIterator name one stream (SubscribeToShard one consumer)",
    "cloudwatch": "alarm and dashboard reads name one alarm or dashboard",
    "iam": "reads name one role, policy, user, group or instance profile",
}

#: Confined reads authorised on one resource that return the resources below it by
#: name, each a resource of its own (its own tags): with a partition by ARN the
#: container shapes check the path (a path above a tenant's is a container of every
#: tenant's); with a partition on a condition key of the named resource (a resource tag)
#: the key of the path says nothing of the resources returned, so a grant of one is
#: ``unknown`` (``_beyond._unbound_partitions``). Each reason is the documented behaviour.
READS_BELOW: Mapping[str, str] = {
    "ssm:getparametersbypath": "GetParametersByPath is authorised against the path in the "
    "request, not the parameters it returns: SSM User Guide, 'How Parameter Store "
    "authorizes parameter retrieval'",
}

#: Confined reads authorised on a parent resource that return data of its children,
#: each a resource with an ARN of its own that the model may partition: a grant on a
#: parent whose children are not all one tenant's lists every tenant's
#: (``_beyond._lists_children``). ``{action: (service, why)}``; the children of each
#: service are read by :data:`CHILD_PARENTS`.
LISTS_CHILDREN: Mapping[str, tuple[str, str]] = {
    "states:listexecutions": (
        "states",
        "ListExecutions is authorised on the state machine (or its version, alias or "
        'map run) and "lists all executions of a state machine or a Map Run", with '
        "each execution's ARN, name, status and dates (Step Functions API reference, "
        "ListExecutions; Service Authorization Reference: resource types stateMachine, "
        "mapRun)",
    ),
    "lambda:listdurableexecutionsbyfunction": (
        "lambda",
        'ListDurableExecutionsByFunction is authorised on the function and "returns a '
        'list of durable executions for a specified Lambda function" (Lambda API '
        "reference, ListDurableExecutionsByFunction; Service Authorization Reference: "
        "resource type function)",
    ),
}

#: Per service of :data:`LISTS_CHILDREN`: a regex over a child's model ARN (its
#: prefix ``arn:partition:service:region:account:``, then the field naming its parent),
#: the globs of the children's resource field, and the parents, as templates of the regex's two
#: groups, whose listing returns it (a child's ARN the regex does not read: every
#: parent of the service).
#: Step Functions: ``execution:SM:ID``, ``execution:SM/LABEL:ID`` (a map run's),
#: ``express:SM:ID:ID`` are listed by ``stateMachine:SM`` (and its versions and aliases,
#: ``stateMachine:SM:*``) and ``mapRun:SM/*`` (Service Authorization Reference, Step
#: Functions resource types).
CHILD_PARENTS: Mapping[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "states": (
        r"(arn:[^:*]*:states:[^:*]*:[^:*]*:)(?:execution|express):([^:/*]*)[/:].*",
        ("execution:*", "express:*"),
        ("{0}stateMachine:{1}", "{0}stateMachine:{1}:*", "{0}mapRun:{1}/*"),
    ),
    # Lambda durable executions, `function:F:VERSION/durable-execution/NAME/ID`, are
    # listed by the function and its versions and aliases
    "lambda": (
        r"(arn:[^:*]*:lambda:[^:*]*:[^:*]*:)function:([^:/*]*):[^/]*/durable-execution/.*",
        ("function:*/durable-execution/*",),
        ("{0}function:{1}", "{0}function:{1}:*"),
    ),
}

#: KMS operations whose encryption context the caller chooses, as it likes: the
#: context is a map with case-sensitive keys ("the encryption context in the decryption
#: operation must be an exact, case-sensitive match for the keys and values in the
#: encryption context of the encryption operation"), while IAM reads the key of
#: ``kms:EncryptionContext:KEY`` without regard to case (KMS API reference,
#: GrantConstraints: "To avoid confusion, do not use multiple encryption context pairs
#: that differ only by case. To require a fully case-sensitive encryption context, use
#: the kms:EncryptionContext: and kms:EncryptionContextKeys conditions"). A request of
#: one of these with the pairs ``tenant_id=globex`` and ``TENANT_ID=acme`` makes a
#: ciphertext bound to globex's context; which of the two values IAM tests for
#: ``kms:EncryptionContext:tenant_id`` is not documented (``_beyond._context_twins``).
#: Decrypt is not listed: its context must be the ciphertext's own, exactly.
CHOOSES_CONTEXT = frozenset(
    {
        "kms:encrypt",
        "kms:generatedatakey",
        "kms:generatedatakeywithoutplaintext",
        "kms:generatedatakeypair",
        "kms:generatedatakeypairwithoutplaintext",
        "kms:reencryptto",
    }
)

LEVEL_NAMES: Mapping[str, str] = {
    "W": "Write",
    "P": "Permissions management",
    "T": "Tagging",
}


def effect_class(
    action: str, level: str | None, types: tuple[str, ...] = ()
) -> Literal["confined", "routed", "read", "unmodelled"]:
    """How far an action's effect reaches, from its access level (None: the action
    data does not know the action), its resource types and the lists above:
    ``confined`` (reads and listings on :data:`CONFINED_READ_TYPES`,
    :data:`CONFINED_WRITES`), ``routed`` (:data:`ROUTED_WRITES`: confined on a tenant's
    own resource, not on a shared one), ``read`` (any other read or listing: what it
    returns beyond the named resource is not known) or ``unmodelled``."""
    if level in ("R", "L"):
        vetted = CONFINED_READ_TYPES.get(action.partition(":")[0], frozenset())
        return "confined" if types and all(t in vetted for t in types) else "read"
    if action in CONFINED_WRITES:
        return "confined"
    if action in ROUTED_WRITES:
        return "routed"
    return "unmodelled"


def leaves_shared(action: str, level: str | None) -> bool:
    """Whether what a ``confined`` action does on a ``shared`` resource may be carried
    beyond it by the resource's configuration: every write but those that store
    nothing (:data:`STORES_NOTHING`); reads and listings never."""
    return level not in ("R", "L") and action not in STORES_NOTHING | ROUTE_CALLS


def stays_on_shared(action: str, level: str | None, types: tuple[str, ...]) -> bool:
    """Whether granting ``action`` on a ``shared`` resource (one that holds no tenant's
    data) reaches no tenant's data whoever is granted it: a confined read or listing
    (:func:`effect_class`), or a confined write that stores nothing
    (:data:`STORES_NOTHING`). Any other write may be carried into a tenant's partition
    by the shared resource's routing or configuration (:data:`ROUTED_WRITES`, what
    :func:`leaves_shared`), and an action the data does not know (``level`` None) may
    do anything."""
    return effect_class(action, level, types) == "confined" and not leaves_shared(action, level)


#: Actions whose requests carry a partition condition key yet may read beyond the
#: partition it names, with the condition key that says whether a request does:
#: ``{action: (partition key, flag key, why)}``. A grant of one on a resource partitioned
#: by that key is proved only where every such request is refused: the grant itself
#: (or every role grant of the action) requires the flag false, or a Deny refuses the
#: flag true. Otherwise the tier is ``unknown`` naming the statement: what the
#: partition key holds for such a request is not documented.
#:
#: ``dynamodb:PartiQLSelect``: "Using the SELECT statement can result in a full table
#: scan if an equality or IN condition with a partition key is not provided in the
#: WHERE clause" (DynamoDB Developer Guide, "PartiQL select statements for DynamoDB");
#: a WHERE clause may hold the tenant's key and still scan (``WHERE pk = 'acme' OR
#: status = 'open'``). The guide documents ``dynamodb:LeadingKeys`` for the item APIs
#: ("Using IAM policy conditions for fine-grained access control") and, for PartiQL,
#: only the ``dynamodb:FullTableScan`` key ("IAM security policies with PartiQL for
#: DynamoDB": "Allow select statements and deny full table scan statements"); which
#: leading keys a scanning statement carries is not documented, so a statement that
#: scans every tenant's items may pass a ``ForAllValues`` condition on the tenant's key.
SCANS_BEYOND_KEY: Mapping[str, tuple[str, str, str]] = {
    "dynamodb:partiqlselect": (
        "dynamodb:LeadingKeys",
        "dynamodb:FullTableScan",
        "a PartiQL SELECT whose WHERE clause names the tenant's partition key may still "
        "scan the whole table or index (`WHERE pk = 'acme' OR status = 'open'`); which "
        "`dynamodb:LeadingKeys` such a statement carries is not documented",
    ),
}
