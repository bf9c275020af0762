"""Deploy writers: what a team deploys, built from the catalogue alone (no network).

- :mod:`.export`: a CloudFormation or SAM template (tier roles, their trust, the
  execution role's vending policy, usage plans, API keys and their secrets) and a
  per-tenant template of silo resources.
- :mod:`.layer`: a Lambda layer zip of the runtime modules and what they import.
- :mod:`.plan`: the account quotas a tiering model runs into.
- :mod:`.quotas`: the one table of AWS quotas these use, each with its source.
- :mod:`.describe`: the catalogue's tiers with their limits, as text or JSON.

Nothing here is imported by the Lambda runtime modules.
"""

from __future__ import annotations

__all__ = ["describe", "export", "layer", "plan", "quotas"]
