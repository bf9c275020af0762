"""Round 10: a role of the tier's name deployed in another account.

Template: the clean deployment of ``catalogs/abac`` (roles ``saas-web`` and
``saas-ops``), linted with ``--parameter AWS::AccountId=999999999999`` (the stack is
deployed there), while the catalogue's tier roles are ``arn:aws:iam::111122223333:...``.

Deployed effect: the stack creates roles in account 999999999999; the tiers' sessions
assume the roles of account 111122223333, which these templates do not hold (their
policies may be anything).

Why the lint must not pass it: a tier role was found by name alone, so the roles of
the other account were checked in the tiers' place and every tier was `proved`. Now a
role whose ARN names another account (one given: the stand-in for an account not given
is any account) is not the tier's: the tier is `not checked` (PE122), as for any tier
whose role the templates do not hold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ._abac import clean, lint, statuses


@pytest.mark.parametrize(
    ("account", "expected"),
    [("999999999999", "not checked"), ("111122223333", "proved")],
)
def test_a_role_of_the_tier_name_in_another_account_is_not_the_tier_role(
    tmp_path: Path, account: str, expected: str
) -> None:
    doc = lint(tmp_path, clean(), "t.json", "--parameter", f"AWS::AccountId={account}")
    assert set(statuses(doc).values()) == {expected}, doc["findings"]
