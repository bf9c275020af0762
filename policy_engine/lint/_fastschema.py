"""The lint's fast validity check: the schema compiled ahead of time
(:mod:`policy_engine._fastschema`); jsonschema stays the reference and writes every
message."""

from __future__ import annotations

from .._fastschema import is_valid

__all__ = ["is_valid"]
