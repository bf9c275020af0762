"""Round 12: a federated role or a public deputy that reaches pooled data by assuming
another role.

Catalogue ``catalogs/abac``. Template: the clean deployment, a role ``reader`` (no
tier's) reading every report (``saas-reports/*``) whose trust admits the account::

    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
     "Action": "sts:AssumeRole"}

(or the assuming role by ARN), and a role that may ``sts:AssumeRole`` it: ``app-auth``,
an identity pool's role (``Federated: cognito-identity.amazonaws.com``), or the role of
``reports-api``, a function anyone may invoke (``FunctionUrlConfig: {AuthType: NONE}``).

Deployed effect: a trust policy naming the account's root "delegates" to the account:
any principal of it whose identity policy allows ``sts:AssumeRole`` on the role may
assume it (IAM User Guide, "Role trust policies"; "How IAM roles differ from
resource-based policies"); the provider's user (or the function, for anyone who invokes
it) assumes ``reader`` and reads every tenant's reports.

Why the lint must not pass it: round 11's reach (``_deputies.reaches``) read a role's
statements on the model's resources, the vendor's function and functions reaching the
model (one step), not an ``sts:AssumeRole`` of a role that reaches it: every tier
`proved`. The twins: ``reader`` trusting only Lambda (no principal of an account may
assume it), ``reader`` reading another bucket.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._abac import LAMBDA_TRUST, READ_ALL, lint, role, statuses
from .test_round11_federated_roles import COGNITO, _template
from .test_round11_public_deputy import OTHER, _sam

ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Resource": "arn:aws:iam::111122223333:role/reader"}],
}  # fmt: skip
ACCOUNT = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                   "Action": "sts:AssumeRole"}],
}  # fmt: skip
BY_ARN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow",
                   "Principal": {"AWS": "arn:aws:iam::111122223333:role/app-auth"},
                   "Action": "sts:AssumeRole"}],
}  # fmt: skip


def _federated(trust: dict[str, Any], reads: dict[str, Any] = READ_ALL) -> dict[str, Any]:
    template = _template(COGNITO, ASSUME)
    template["Resources"]["Reader"] = role("reader", trust, reads)
    return template


def _deputy(trust: dict[str, Any], reads: dict[str, Any] = READ_ALL) -> dict[str, Any]:
    template = _sam({"FunctionUrlConfig": {"AuthType": "NONE"}}, ASSUME)
    template["Resources"]["Reader"] = role("reader", trust, reads)
    return template


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        (_federated(ACCOUNT), "unknown"),
        (_federated(BY_ARN), "unknown"),
        (_deputy(ACCOUNT), "unknown"),
        # twins: a reader no principal of an account may assume, one reading elsewhere
        (_federated(LAMBDA_TRUST), "proved"),
        (_federated(ACCOUNT, OTHER), "proved"),
        (_deputy(LAMBDA_TRUST), "proved"),
    ],
)  # fmt: skip
def test_a_role_reached_by_assuming_another(
    tmp_path: Path, template: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
    if expected == "unknown":
        assert any(f["rule"] == "PE091" and "`reader`" in f["message"]
                   for f in doc["findings"])  # fmt: skip
