"""Round 12: a function an EventBridge rule feeds from a bus anyone may write.

Catalogue ``catalogs/abac``. Template: the clean deployment and ``reports-api``
(reading every report with its own role) the target of a rule on a bus, ``ingest``,
whose policy lets anyone put events: ``AWS::Events::EventBusPolicy`` with ``Principal:
"*"`` and ``Action: events:PutEvents`` (the legacy form) or a ``Statement`` of
``Principal: "*"``; or the bus's own ``Policy``. The rule is an ``AWS::Events::Rule``
(``EventBusName``, ``Targets[].Arn`` the function) or a SAM ``EventBridgeRule`` event.

Deployed effect: "Specify "*" to permit any account to put events to your default event
bus" (EventBridge API reference, ``PutPermission`` ``Principal``; the same for a named
bus); the rule's target receives the event the sender wrote (its ``detail`` whole), so
anyone names any tenant to a function reading every tenant's reports.

Why the lint must not pass it: bus policies are not read as resource policies (PE114),
and round 11's public triggers were queues and topics: every tier `proved`. Now a bus
policy that may let anyone put events makes the bus a public source, and a rule on it
a trigger. Twins: a bus policy for one account, no bus policy, a rule on another bus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round11_public_deputy import _sam

LEGACY_ANYONE = {"EventBusName": "ingest", "StatementId": "any",
                 "Action": "events:PutEvents", "Principal": "*"}  # fmt: skip
STATEMENT_ANYONE = {"EventBusName": {"Ref": "Bus"}, "StatementId": "any", "Statement": {
    "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
    "Resource": "arn:aws:events:eu-west-1:111122223333:event-bus/ingest"}}  # fmt: skip
ONE_ACCOUNT = {"EventBusName": "ingest", "StatementId": "one",
               "Action": "events:PutEvents", "Principal": "444455556666"}  # fmt: skip
BUS_POLICY_ANYONE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "events:PutEvents",
     "Resource": "*"}]}  # fmt: skip


def _bus(
    policy: dict[str, Any] | None,
    *,
    sam: bool,
    bus: str = "ingest",
    own_policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if sam:
        template = _sam({"Events": {"E": {"Type": "EventBridgeRule", "Properties": {
            "EventBusName": bus, "Pattern": {"source": ["app.ingest"]}}}}})  # fmt: skip
    else:
        template = _sam({})
        template["Resources"]["Rule"] = {"Type": "AWS::Events::Rule", "Properties": {
            "EventBusName": bus, "EventPattern": {"source": ["app.ingest"]},
            "Targets": [{"Id": "fn", "Arn": {"Fn::GetAtt": ["Api", "Arn"]}}]}}  # fmt: skip
    props: dict[str, Any] = {"Name": "ingest"}
    if own_policy is not None:
        props["Policy"] = own_policy
    template["Resources"]["Bus"] = {"Type": "AWS::Events::EventBus", "Properties": props}
    if policy is not None:
        template["Resources"]["BusPolicy"] = {"Type": "AWS::Events::EventBusPolicy",
                                              "Properties": policy}  # fmt: skip
    return template


@pytest.mark.parametrize("sam", [True, False])
@pytest.mark.parametrize(
    ("policy", "own", "bus", "expected"),
    [
        (LEGACY_ANYONE, None, "ingest", "unknown"),
        (STATEMENT_ANYONE, None, "ingest", "unknown"),
        (None, BUS_POLICY_ANYONE, "ingest", "unknown"),
        # twins: one account, no policy, a rule on another bus
        (ONE_ACCOUNT, None, "ingest", "proved"),
        (None, None, "ingest", "proved"),
        (LEGACY_ANYONE, None, "other", "proved"),
    ],
)  # fmt: skip
def test_a_function_fed_by_a_bus_anyone_may_write(
    tmp_path: Path, sam: bool, policy: Any, own: Any, bus: str, expected: str
) -> None:
    doc = lint(tmp_path, _bus(policy, sam=sam, bus=bus, own_policy=own))
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
