"""Grants whose reach the resource model cannot place: actions that take only
``Resource: "*"``, resource-policy grants to service principals (a service acts for
whoever configures it), deputy writes (an action on the tenant's own resource
that makes AWS write into another resource named in its parameters), and actions
whose effect the proof does not know to be confined to the resource they name."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from .. import _glob
from .._conditions import compile_condition
from ..catalog import Partition, ResourceSpec
from ..evaluate import StatementRef
from ..render import TENANT_MARKER
from ._confirm import _Confirmation
from ._effects import (
    CHILD_PARENTS,
    CHOOSES_CONTEXT,
    LEVEL_NAMES,
    LISTS_CHILDREN,
    READS_BELOW,
    ROUTED_WRITES,
    SCANS_BEYOND_KEY,
    effect_class,
    leaves_shared,
)
from ._report import Counterexample, Unknown
from ._search import _within_model_string, stays_on_shared_only
from ._shapes import (
    DEPUTY_WRITES,
    STAR_ONLY_HARMLESS,
    _action_covered,
    _case_twins,
    _conditions,
    _covered_actions,
    _escalation_actions,
    _Stmt,
    access_point_key,
    access_point_named,
    binds_data,
    resource_tag_key,
    view_named,
)
from ._strings import (
    TIER_TAG_KEY,
    _as_glob,
    _listify,
    _model_glob,
    _shown,
    resource_field_may_be,
)

DEPUTY_RESOURCE = "deputy writes"
EFFECTS_RESOURCE = "(effects beyond the named resource)"
#: how many of a statement's unconfined actions an ``unknown`` names
_NAMED = 5


def _admits_star(st: _Stmt) -> bool:
    """Whether the statement's Resource element matches the request resource ``*``
    of an action that takes no resource type."""
    if "Resource" in st.raw:
        return any(_glob.glob_match(str(p), "*") for p in _listify(st.raw["Resource"]))
    return not any(_glob.glob_match(str(p), "*") for p in _listify(st.raw["NotResource"]))


class _Beyond(_Confirmation):
    """The checks of grants outside the shapes' reach."""

    def _role_admits(self, action: str, *, star: bool) -> bool:
        """Whether the role (or a resource policy naming it) may allow ``action``
        (on ``*`` when ``star``); an unmodelled role allows everything."""
        if not self.role_docs:
            return True
        grants = [st for st in self.stmts if st.side == "role"]
        grants += [st for st in self.resource_allows if st.side == "role"]
        return any(
            _action_covered(st, action)
            and self._fixed_conditions_hold(st)
            and (not star or _admits_star(st))
            for st in grants
        )

    def _denied_outright(self, action: str, *, star: bool) -> bool:
        """An unconditional Deny of ``action`` on every ARN (``*``)."""
        return any(
            not d.raw.get("Condition")
            and _action_covered(d, action)
            and (
                _admits_star(d)
                if star
                else "Resource" in d.raw and "*" in _listify(d.raw["Resource"])
            )
            for d in self.denies
        )

    def _admitted(self, st: _Stmt, action: str, *, star: bool) -> bool:
        """Whether a grant of :meth:`_session_grants` is in effect for ``action``: a
        session policy's where the role allows too; a resource policy's grant to the
        session itself always (not limited by the session policy or the role)."""
        return st.side != "session" or self._role_admits(action, star=star)

    def _star_only(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) of actions that take only
        ``Resource: "*"`` and may reach every tenant's data (traces, events, metrics):
        ``unknown``, naming the action, unless it is on :data:`STAR_ONLY_HARMLESS`."""
        from .._iamdata import iam_data

        data = iam_data()
        out: list[Unknown] = []
        seen: set[str] = set()
        for st in self._session_grants():
            if st.not_action or not self._fixed_conditions_hold(st):
                continue  # NotAction and unknown actions: the coverage rule (any ARN)
            if not _admits_star(st):
                continue
            for pattern in st.actions:
                for info in data.expand(pattern) if pattern != "*" else ():
                    action = info.full_name.lower()
                    if info.resource_types or action in STAR_ONLY_HARMLESS or action in seen:
                        continue
                    if not self._admitted(st, action, star=True):
                        continue
                    if self._denied_outright(action, star=True):
                        continue
                    seen.add(action)
                    out.append(
                        Unknown(
                            "(not in the model)",
                            f'`{action}` takes only `Resource: "*"`: it acts on no resource '
                            "of the model and may reach every tenant's data",
                            f"{st.ref}",
                            st.ref,
                        )
                    )
        return out

    def _service_grants(self) -> list[Unknown]:
        """Allow statements of the model's resource policies and the tier roles' trust
        policies whose principal is an AWS service. A service acts for whoever
        configures its source (a tenant's own bucket notifying another tenant's queue;
        a function the tenant controls running as a tier role without the session
        policy), which the model cannot attribute to a tenant: ``unknown``."""
        out: list[Unknown] = []
        for label, (doc, _) in self.resource_docs.items():
            trust = label.startswith("trust(")
            raw = doc.get("Statement", [])
            for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
                if st.get("Effect") != "Allow":
                    continue
                if label in self.shared_only and stays_on_shared_only(st):
                    continue  # no tenant's data, and nothing carried on into one
                services = _services(st.get("Principal"))
                if not services:
                    continue
                ref = StatementRef(f"resource({label})", "resource", i, st.get("Sid"), "Allow")
                what = (
                    f"the trust policy of role `{label[6:-1]}` lets the service "
                    f"`{services[0]}` assume it: code or configuration a tenant controls can "
                    "run as that role without the session policy"
                    if trust
                    else f"a grant to the service principal `{services[0]}`: the service acts "
                    "for whoever configures its source, which the model cannot attribute to "
                    "a tenant"
                )
                out.append(Unknown(label, what, f"{ref}", ref))
        return out

    def _public_grants(self) -> list[Unknown]:
        """Allow statements of the model's resource policies granting everyone (``*``,
        ``{"AWS": "*"}``) that reach callers every tenant can be, other than its vended
        sessions: an anonymous (unsigned) request, which has no principal ARN, account
        or tags, and a principal of the tenant's own AWS account, whose ARN and account
        are that account's and whose principal tags (``TenantId``, ``Tier``) are what it
        chooses (a role's tags, the session tags it passes to its own AssumeRole). The
        search reads such a statement only as a grant to the vended sessions; an
        outsider meets it

        - when the sessions fail its conditions on ``aws:PrincipalArn`` /
          ``aws:PrincipalAccount`` / the ``Tier`` tag but such a caller meets them
          (``"Null": {"aws:PrincipalArn": "true"}``, ``StringNotEquals
          aws:PrincipalAccount``, ``ArnNotLike role/*``, ``Tier`` = a tier the catalogue
          does not have): the search drops it;
        - when it reads the principal's tags (``docs/${aws:PrincipalTag/TenantId}/*``,
          a ``Tier`` condition): the search takes the vended session's values, an
          outsider sets another tenant's.

        Either is ``unknown``, naming the statement (attack review 11b-02). A statement
        pinned by its conditions on ``aws:PrincipalArn`` / ``aws:PrincipalAccount`` /
        ``aws:PrincipalOrgID`` / ``kms:CallerAccount`` to principals no such caller is
        (this account's roles, a partner account) is left out: those principals' tags
        are the platform's."""
        from ._search import _grantee

        if not self.tags:
            return []
        # `kms:CallerAccount` (KMS Developer Guide, "AWS KMS condition keys") names the
        # caller's account on KMS requests, as key policies granting `*` use it
        pinning = {
            "aws:principalarn",
            "aws:principalaccount",
            "aws:principalorgid",
            "kms:calleraccount",
        }
        fixed = pinning | {TIER_TAG_KEY.lower()}
        session_ctx = {
            **self._tag_context(self._probe_tenant()),
            "kms:CallerAccount": self.account,
        }
        other = "999999999999" if self.account != "999999999999" else "999999999998"
        anonymous = "an anonymous request (no principal ARN, account or tags)"
        outsider = f"a principal of another account (`{other}`, with tags of its choosing)"
        # request contexts as the evaluator holds them (lower-case keys, value tuples);
        # no Request: it would add the caller's ARN and account, which anonymous lacks
        callers: dict[str, dict[str, tuple[tuple[str, ...], bool]]] = {
            anonymous: {},
            outsider: {
                "aws:principalarn": ((f"arn:aws:iam::{other}:role/any",), False),
                "aws:principalaccount": ((other,), False),
                "kms:calleraccount": ((other,), False),
            },
        }
        session = {k.lower(): ((str(v),), False) for k, v in session_ctx.items()}
        out: list[Unknown] = []
        for label, (doc, _) in self.resource_docs.items():
            if label.startswith("trust("):
                continue  # who may assume a tier role: the trust check
            raw = doc.get("Statement", [])
            variables = doc.get("Version") == "2012-10-17"
            for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
                if not isinstance(st, Mapping) or st.get("Effect") != "Allow":
                    continue
                if "NotPrincipal" in st or _case_twins(st) is not None:
                    continue  # unread principals: `_unreadable` reports them
                if (
                    _grantee(st.get("Principal"), self.role_arn, self.account, self.role_name)
                    != "anyone"
                ):
                    continue
                if label in self.shared_only and stays_on_shared_only(st):
                    continue  # no tenant's data, and nothing carried on into one
                conds = [
                    c
                    for c in _conditions(st)
                    if c.key.lower() in fixed
                    and not any(TENANT_MARKER in str(v) or "${" in str(v) for v in c.values)
                ]
                compiled = [
                    (c.key.lower(), compile_condition(c, variables=variables, path="$"))
                    for c in conds
                ]
                # an outsider sets its own tags: a condition on the `Tier` tag holds for it
                # an outsider also names its own roles: the ARNs and accounts the
                # conditions name, in its account (a role `saas-web` of any account)
                probes = [(anonymous, callers[anonymous])] + [
                    (outsider, ctx) for ctx in _outsider_contexts(conds, other, self.account)
                ]
                reach = {anonymous: False, outsider: False}
                for name, ctx in probes:
                    reach[name] = reach[name] or (
                        all(t.test(ctx) for key, t in compiled if key in pinning)
                        and (name == outsider or all(key in pinning for key, _ in compiled))
                    )
                if not any(reach.values()):
                    continue  # pinned to principals no tenant can be
                sessions_meet = all(t.test(session) for _, t in compiled)
                reads_tags = variables and "aws:principaltag/" in json.dumps(st).lower()
                reads_tags = reads_tags or any(
                    c.key.lower().startswith("aws:principaltag/") for c in _conditions(st)
                )
                if sessions_meet and not reads_tags:
                    continue  # outsiders get what a session gets: the search reads it
                who = anonymous if reach[anonymous] and not reads_tags else outsider
                if not reach[who]:
                    continue
                why = (
                    "reads the caller's principal tags, which that caller sets"
                    if sessions_meet
                    else "the tier's sessions do not meet it"
                )
                ref = StatementRef(f"resource({label})", "resource", i, st.get("Sid"), "Allow")
                what = (
                    f"a grant to `*` that {who} meets ({why}): every tenant can make such "
                    "a request, without the session policy"
                )
                out.append(Unknown(label, what, f"{ref}", ref))
        return out

    def _deputies(self) -> tuple[list[Counterexample], list[Unknown]]:
        """Grants to the session (:meth:`_session_grants`: the session policy's where
        the role allows too, a resource policy's to the session itself) of a deputy
        write (:data:`DEPUTY_WRITES`) on an ARN of a type the action takes: a violation
        when the evaluator allows a concrete request the grant names, ``unknown``
        otherwise."""
        from .._iamdata import iam_data

        violations: list[Counterexample] = []
        unknown: list[Unknown] = []
        for action in DEPUTY_WRITES:
            info = iam_data().action(action)
            formats = iam_data().resource_arns(info) if info is not None else ()
            grants = [
                st
                for st in self._session_grants()
                if _covered_actions(st.actions, st.not_action, (action,))
                and self._fixed_conditions_hold(st)
                and self._reaches_type(st, formats)
                and self._admitted(st, action, star=not formats)
            ]
            if not grants:
                continue
            if self._denied_outright(action, star=not formats):
                continue
            found = self._deputy_request(action, grants, formats)
            if found is not None:
                violations.append(found)
            else:
                why = f"`{action}` is a deputy write: {DEPUTY_WRITES[action]}"
                unknown.append(Unknown(DEPUTY_RESOURCE, why, f"{grants[0].ref}", grants[0].ref))
        return violations, unknown

    def _unconfined(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) of an action on a resource
        whose effect the proof does not know to be confined to the resource the
        request names (``_effects``): a write, permissions or tagging action not on
        the allow-lists; a routed write (a publish, an event, an invocation) that may
        reach a resource tenants share (``shared``, or pooled: not one tenant's by its
        ARN); a write that stores something into a ``shared`` resource (whose
        notifications, replication or consumers serve every tenant). ``unknown``,
        naming the statement and the actions (and the resource); deputy writes,
        escalation actions and actions that take only ``*`` have their own checks."""
        from .._iamdata import iam_data

        data = iam_data()
        handled = set(DEPUTY_WRITES) | set(_escalation_actions())
        out: list[Unknown] = []
        for st in self._session_grants():
            if not self._fixed_conditions_hold(st):
                continue
            reach: dict[tuple[str, ...], bool] = {}
            unmodelled: list[str] = []
            unknown_names: list[str] = []
            reads: list[str] = []
            routed: dict[str, list[str]] = {}
            pooled: dict[str, list[str]] = {}
            stored: dict[str, list[str]] = {}
            for action in _granted(st):
                if action in handled:
                    continue
                info = data.action(action)
                if info is not None and not info.resource_types:
                    continue  # takes only `*`: the star-only check
                level = info.level if info is not None else None
                kind = effect_class(action, level, info.resource_types if info else ())
                if kind == "confined" and not leaves_shared(action, level):
                    continue
                if kind in ("unmodelled", "read"):  # routed and stored: by the resources reached
                    formats = data.resource_arns(info) if info is not None else ("*",)
                    hit = reach.get(formats)
                    if hit is None:
                        hit = reach[formats] = self._reaches_type(st, formats or ("*",))
                    if not hit:
                        continue
                if not self._admitted(st, action, star=False):
                    continue
                if self._denied_outright(action, star=False):
                    continue
                if kind == "read":
                    reads.append(action)
                    continue
                if kind == "unmodelled":
                    if info is None:
                        unknown_names.append(f"`{action}` (not in the action data)")
                    else:
                        level = LEVEL_NAMES.get(info.level, info.level)
                        unmodelled.append(f"`{action}` ({level})")
                    continue
                if kind == "confined":  # a write that stores: only a shared resource
                    for res in self._shared_reached(st, action):
                        stored.setdefault(res, []).append(action)
                    continue
                for res in self._shared_reached(st, action):
                    routed.setdefault(res, []).append(action)
                for res in self._pooled_reached(st, action):
                    pooled.setdefault(res, []).append(action)
            # the actions of the services the Resource names first, then the rest of
            # the action data's, then names the data does not know
            shown = _shown_resource(st)
            unmodelled.sort(key=lambda text: f":{text[1:].partition(':')[0]}:" not in shown)
            unmodelled += unknown_names
            if unmodelled:
                more = len(unmodelled) - _NAMED
                named = ", ".join(unmodelled[:_NAMED]) + (f" and {more} more" if more > 0 else "")
                out.append(
                    Unknown(
                        EFFECTS_RESOURCE,
                        f"{named} on `{shown}`: a configuration write whose effects "
                        "beyond the named resource the proof does not model (where the "
                        "service later delivers or what it routes into the resource, what "
                        "code or role acts for it, who may use it)",
                        f"{st.ref}",
                        st.ref,
                    )
                )

            if reads:
                more = len(reads) - _NAMED
                named = ", ".join(f"`{a}`" for a in reads[:_NAMED])
                named += f" and {more} more" if more > 0 else ""
                out.append(
                    Unknown(
                        EFFECTS_RESOURCE,
                        f"{named} on `{shown}`: a read the proof does not know to act only "
                        "on the resource IAM authorises it on (an OpenSearch `_mget` or "
                        "`_msearch` body names other indexes than its path; "
                        "`s3:GetDataAccess` vends credentials for the target its parameters "
                        "name; see `_effects.CONFINED_READ_TYPES`): it may return another "
                        "tenant's data or credentials that reach it",
                        f"{st.ref}",
                        st.ref,
                    )
                )

            def listed(actions: list[str]) -> str:
                return ", ".join(f"`{a}`" for a in actions)

            def routed_why(actions: list[str], arn: str) -> str:
                return (
                    f"{listed(actions)} on the shared resource `{arn}`: a write the service "
                    f"routes onward by content the caller sets ({ROUTED_WRITES[actions[0]]}); "
                    "a shared resource's routing serves every tenant, so the content may "
                    "deliver into another tenant's partition, which the proof does not model "
                    "(give each tenant its own resource, or keep the grant off the session)"
                )

            def pooled_why(actions: list[str], arn: str) -> str:
                return (
                    f"{listed(actions)} on `{arn}`, a resource tenants share (pooled: the "
                    "request may name it outside every tenant's own partition by ARN; "
                    "condition keys the caller sets do not choose where the service "
                    "routes): a write the service routes onward by content the caller sets "
                    f"({ROUTED_WRITES[actions[0]]}); its routing serves every tenant, so the "
                    "content may deliver into another tenant's partition, which the proof "
                    "does not model (give each tenant its own resource by ARN, or keep the "
                    "grant off the session)"
                )

            def stored_why(actions: list[str], arn: str) -> str:
                return (
                    f"{listed(actions)} on the shared resource `{arn}`: a write into a "
                    "resource whose configuration serves every tenant; the service may act "
                    "on what was written (S3 event notifications and replication rules "
                    "filtered by the key the caller picks, a queue's or a table stream's "
                    "event source mappings and consumers), delivering it into another "
                    "tenant's partition, which the proof does not model (give each tenant "
                    "its own resource or partition, or keep the grant off the session)"
                )

            arns = {r.name: r.arn for r in self.resources}
            for groups, why in ((routed, routed_why), (pooled, pooled_why), (stored, stored_why)):
                for res_name, actions in groups.items():
                    out.append(Unknown(res_name, why(actions, arns[res_name]), f"{st.ref}", st.ref))
        return out

    def _scans_beyond_key(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) of an action whose requests
        carry a resource's partition key yet may read beyond the partition it names
        (:data:`_effects.SCANS_BEYOND_KEY`: a PartiQL SELECT that scans), on a resource
        partitioned by that key: ``unknown``, naming the statement, unless every such
        request is refused (the grant, or every role grant of the action, requires the
        flag key false; or an unconditional-but-for-the-flag Deny refuses it true).
        The shapes take the partition key at its word for every action that carries it;
        for these actions AWS does not document what it holds."""
        out: list[Unknown] = []
        for action, (key, flag, why) in SCANS_BEYOND_KEY.items():
            service = action.partition(":")[0]
            pooled = [
                r
                for r in self.resources
                if r.service == service
                and not r.shared
                and any(
                    p.condition_key is not None and p.condition_key.lower() == key.lower()
                    for p in r.partitions
                )
            ]
            if not pooled:
                continue
            targets = [t for r in pooled for t in (r.arn, f"{r.arn}/index/*")]
            if any(_refuses_flag(d, action, flag, targets) for d in self.denies):
                continue
            if self.role_docs:
                role = [st for st in self.stmts if st.side == "role"]
                role += [st for st in self.resource_allows if st.side == "role"]
                covering = [st for st in role if _action_covered(st, action)]
                if covering and all(_requires_flag_false(st, flag) for st in covering):
                    continue
            for st in self._session_grants():
                if not _action_covered(st, action) or not self._fixed_conditions_hold(st):
                    continue
                if _requires_flag_false(st, flag):
                    continue
                if not self._admitted(st, action, star=False):
                    continue
                if self._denied_outright(action, star=False):
                    continue
                reached = [r for r in pooled if _may_name(st, (r.arn, f"{r.arn}/index/*"))]
                if not reached:
                    continue
                out.append(
                    Unknown(
                        reached[0].name,
                        f"`{action}` on `{_shown_resource(st)}`, a resource partitioned by "
                        f"`{key}`: {why}, so the partition key does not confine it; "
                        f'require `"Bool": {{"{flag}": "false"}}` in the grant, or deny '
                        f"`{action}` when `{flag}` is true",
                        f"{st.ref}",
                        st.ref,
                    )
                )
        return out

    def _views_by_name(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) of an action of the
        resource's service that may name a partition giving a tenant a view of its
        parent's whole data by the view's name (:func:`_shapes.view_named`: a DynamoDB
        index or stream, a Kinesis consumer): the shapes would take the view for that
        tenant's own, while it holds every tenant's data of its parent. ``unknown``,
        naming the partition and the statement, never ``proved``."""
        from .._iamdata import service_actions

        out: list[Unknown] = []
        named = [
            (r, p.arn, what)
            for r in self.resources
            if not r.shared
            for p in r.partitions
            if p.arn is not None and (what := view_named(r.service, p.arn)) is not None
        ]
        for st in self._session_grants() if named else []:
            if not self._fixed_conditions_hold(st):
                continue
            for res, arn, what in named:
                actions = _covered_actions(st.actions, st.not_action, service_actions(res.service))
                if not any(self._admitted(st, a, star=False) for a in actions):
                    continue
                if not _may_name(st, (arn,)):
                    continue
                out.append(
                    Unknown(
                        res.name,
                        f"the partition `{arn}` gives a tenant, by its name alone, {what}: "
                        "a tenant reads another's data through its own; put `{tenant}` in "
                        "the parent's name (a table or stream per tenant) or partition the "
                        "parent by its key",
                        f"{st.ref}",
                        st.ref,
                    )
                )
                break
        return out

    def _lists_children(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) of a read authorised on a
        parent resource that returns data of its children (:data:`_effects.LISTS_CHILDREN`:
        Step Functions' ListExecutions on a state machine), where the model partitions
        the children (executions): the shapes see the parent's ARN, which is no tenant's
        partition of the children (a shared state machine, or one no resource covers),
        while the answer lists every tenant's children. ``unknown``, naming the
        partition and the statement, unless the children's parent is itself a partition
        of the model with the tenant in its name (a state machine per tenant,
        `stateMachine:wf-{tenant}` for `execution:wf-{tenant}:*`), which the shapes
        check like any other (attack review 11-02)."""
        out: list[Unknown] = []
        for action, (service, why) in LISTS_CHILDREN.items():
            regex, child_globs, templates = CHILD_PARENTS[service]
            mine = [r for r in self.resources if r.service == service and not r.shared]
            partitioned = {p.arn for r in mine for p in r.partitions if p.arn is not None}
            #: (resource, the children's model ARN, the parents that list them)
            loose: list[tuple[ResourceSpec, str, tuple[str, ...]]] = []
            for r in mine:
                for child in dict.fromkeys(p.arn or r.arn for p in r.partitions):
                    if not resource_field_may_be(child, child_globs):
                        continue
                    m = re.fullmatch(regex, child)
                    if m is None:
                        loose.append((r, child, (f"arn:*:{service}:*",)))
                        continue
                    parents = tuple(t.format(m[1], m[2]) for t in templates)
                    if "{tenant}" in m[2] and parents[0] in partitioned:
                        continue  # a parent per tenant, partitioned: the shapes' check
                    loose.append((r, child, parents))
            if not loose:
                continue
            for st in self._session_grants():
                if not _action_covered(st, action) or not self._fixed_conditions_hold(st):
                    continue
                if not self._admitted(st, action, star=False):
                    continue
                for res, child, parents in loose:
                    wide = tuple(p.replace("{tenant}", "*") for p in parents)
                    if not _may_name(st, wide):
                        continue
                    out.append(
                        Unknown(
                            res.name,
                            f"`{action}` on `{_shown_resource(st)}` may name a parent "
                            f"(`{parents[0]}`) of the partition `{child}`, whose listing "
                            f"returns every tenant's children: {why}; give each tenant "
                            "its own parent (the tenant in its name, partitioned in the "
                            "model) or do not grant the listing",
                            f"{st.ref}",
                            st.ref,
                        )
                    )
                    break
        return out

    def _context_twins(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) of a KMS operation whose
        encryption context the caller chooses (:data:`_effects.CHOOSES_CONTEXT`) on a key
        partitioned by ``kms:EncryptionContext:KEY``: a request may carry KEY twice in
        different case (``tenant_id=globex``, ``TENANT_ID=acme``), and which value IAM
        tests is not documented, so the partition key does not say whose context the
        ciphertext is bound to. ``unknown``, naming the partition and the statement,
        unless the grant (or every role grant of the action) pins the context's keys
        case-sensitively (``ForAllValues:StringEquals`` on ``kms:EncryptionContextKeys``
        with no two values, nor a value and KEY, that differ only in case), the remedy
        KMS documents (attack review 11)."""
        out: list[Unknown] = []
        keyed = [
            (r, p, key)
            for r in self.resources
            if r.service == "kms" and not r.shared
            for p in r.partitions
            if p.condition_key is not None and (key := _context_key(p.condition_key)) is not None
        ]
        if not keyed:
            return out
        role = [st for st in self.stmts if st.side == "role"]
        role += [st for st in self.resource_allows if st.side == "role"]
        for st in self._session_grants():
            if not self._fixed_conditions_hold(st):
                continue
            for res, part, key in keyed:
                actions = [
                    a
                    for a in sorted(CHOOSES_CONTEXT)
                    if _action_covered(st, a)
                    and self._admitted(st, a, star=False)
                    and not self._denied_outright(a, star=False)
                    and not _pins_context_keys(st, key)
                    and not (
                        self.role_docs
                        and st.side == "session"
                        and (covering := [g for g in role if _action_covered(g, a)])
                        and all(_pins_context_keys(g, key) for g in covering)
                    )
                ]
                if not actions or not _may_name(st, (res.arn,)):
                    continue
                out.append(
                    Unknown(
                        res.name,
                        f"`{actions[0]}` on `{_shown_resource(st)}` with the partition "
                        f"`{part.condition_key}` = `{part.value}`: the caller chooses the "
                        f"encryption context, whose keys are case-sensitive, and may send "
                        f"`{key}` twice in different case (another tenant's value and its "
                        "own); which value IAM tests is not documented; require "
                        f'`"ForAllValues:StringEquals": {{"kms:EncryptionContextKeys": '
                        f'["{key}"]}}` in the grant',
                        f"{st.ref}",
                        st.ref,
                    )
                )
                break
        return out

    def _unbound_partitions(self) -> list[Unknown]:
        """Grants to the session that may act on a resource partitioned by a condition
        key whose value is not the data touched (:func:`_shapes.binds_data`: a request
        tag, the caller's attributes, the network...): the shapes would read requests
        with another tenant's value as reaching that tenant's data, while the key says
        nothing of whose data a request reaches. ``unknown``, naming the partition and
        the statement, never ``proved``."""
        from .._iamdata import iam_data, service_actions

        out: list[Unknown] = []
        #: (resource, partition, why, the actions concerned: None for every action)
        loose: list[tuple[ResourceSpec, Partition, str, tuple[str, ...] | None]] = []
        for r in self.resources:
            if r.shared:
                continue
            below = tuple(a for a in READS_BELOW if a.partition(":")[0] == r.service)
            for p in r.partitions:
                key = p.condition_key
                if key is None or access_point_key(key):  # (read by _access_points_by_name)
                    continue
                if not binds_data(key):
                    loose.append((r, p, _UNBOUND, None))
                elif resource_tag_key(key) and not tags_whole_resources(
                    r.arn, iam_data().resource_formats(r.service).values()
                ):
                    loose.append((r, p, _ONE_RESOURCE, None))
                elif below:
                    loose.append((r, p, _read_below(below), below))
        if not loose:
            return out
        for st in self._session_grants():
            if not self._fixed_conditions_hold(st):
                continue
            for res, part, why, only in loose:
                if not _may_name(st, (res.arn, f"{res.arn}/*")):
                    continue
                actions = _covered_actions(
                    st.actions, st.not_action, only or service_actions(res.service)
                )
                if not any(self._admitted(st, a, star=False) for a in actions):
                    continue
                out.append(
                    Unknown(
                        res.name,
                        f"the partition `{part.condition_key}` = `{part.value}` {why}",
                        f"{st.ref}",
                        st.ref,
                    )
                )
        return out

    def _role_spellings(self) -> list[Unknown]:
        """Allow statements that reach the tier's sessions (session, role and resource
        policies) with a condition on ``aws:PrincipalArn`` that is false for the
        catalogue's spelling of the tier role but may hold for another (:meth:`_respelt`:
        the role's name in another case, a path): ``aws:PrincipalArn`` holds the ARN as
        IAM stores the role, which the catalogue does not fix. A grant to everyone
        "but the tier role" written in another spelling reaches every tenant's data in
        AWS; the statement is kept and the tier is ``unknown``, naming it."""
        out: list[Unknown] = []
        for st in self.stmts + self.resource_allows:
            value = self._respelt(st)
            if value is None:
                continue
            out.append(
                Unknown(
                    st.ref.policy,
                    f"the condition on `aws:PrincipalArn` names `{value}`, which is false "
                    f"for the tier role as the catalogue spells it (`{self.role_arn}`) but "
                    "may hold for the role as IAM stores it (role names are unique "
                    "without regard to case; a role has a path): whether it applies to "
                    "the tier's sessions is not known; write the role's ARN exactly as "
                    "it is deployed, in `role_arn` and in the condition",
                    f"{st.ref}",
                    st.ref,
                )
            )
        return out

    def _access_points_by_name(self) -> list[Unknown]:
        """Grants to the session (:meth:`_session_grants`) that may name an S3 access
        point given to a tenant by its name only (:func:`_shapes.access_point_named`):
        the shapes would take every object below it for that tenant's, while the
        access point reaches every key of its bucket. ``unknown``, naming the partition
        and the statement, never ``proved``."""
        from .._iamdata import service_actions

        out: list[Unknown] = []
        named: list[tuple[ResourceSpec, str, tuple[str, ...], str]] = []
        for r in self.resources:
            if r.service != "s3" or r.shared:
                continue
            for p in r.partitions:
                if p.arn is not None and access_point_named(p.arn):
                    point = p.arn.split("/object/", 1)[0]
                    named.append((r, f"`{p.arn}`", (point, f"{point}/object/*"), "name"))
                elif p.condition_key is not None and access_point_key(p.condition_key):
                    label = f"`{p.condition_key}` = `{p.value}`"
                    named.append((r, label, (r.arn, f"{r.arn}/*"), f"`{p.condition_key}`"))
        if not named:
            return out
        s3 = service_actions("s3")
        for st in self._session_grants():
            if not self._fixed_conditions_hold(st):
                continue
            actions = _covered_actions(st.actions, st.not_action, s3)
            if not any(self._admitted(st, a, star=False) for a in actions):
                continue
            for res, label, targets, by in named:
                if not _may_name(st, targets):
                    continue
                out.append(
                    Unknown(
                        res.name,
                        f"the partition {label} gives a tenant an S3 access point by its "
                        f"{by}, but an access point names its bucket's objects by key "
                        "(`accesspoint/NAME/object/KEY` is the object KEY of the bucket it "
                        "is attached to; both the access point and the bucket decide, and "
                        "access point policies confine by key prefix): through its own "
                        "access point a tenant may read or list another tenant's objects of "
                        "the same bucket; put `{tenant}` in the object key "
                        "(`.../object/{tenant}/*`, `s3:prefix`) or give each tenant its own "
                        "bucket",
                        f"{st.ref}",
                        st.ref,
                    )
                )
                break
        return out

    def _pooled_reached(self, st: _Stmt, action: str) -> list[str]:
        """The resources of the action's service, other than ``shared`` ones (see
        :meth:`_shared_reached`), that the statement's Resource may name outside every
        tenant's own partition by ARN (a partition ARN holding ``{tenant}``): a pooled
        resource told apart only by condition keys, or the part of a resource its
        tenant partitions leave out. Sound: a pattern counts as inside the partitions
        only when every ARN it grants is (:func:`_within_model_string`); the overlap
        with a resource lets wildcards and the tenant slot match any text."""
        service = action.partition(":")[0]
        mine = [r for r in self.resources if r.service == service and not r.shared]
        if not mine:
            return []
        owned = tuple(
            p.arn for r in mine for p in r.partitions if p.arn and _names_tenant(p.arn, service)
        )
        if "Resource" in st.raw:
            patterns = [
                str(p)
                for p in _listify(st.raw["Resource"])
                if not _within_model_string(str(p), owned, st.variables)
            ]
            if not patterns:
                return []
        out = []
        for res in mine:
            models = [res.arn] + [p.arn for p in res.partitions if p.arn]
            globs = [_as_glob(m.replace("{tenant}", TENANT_MARKER)) for m in models]
            if "Resource" not in st.raw or any(
                _glob.may_overlap(_as_glob(p), g) for p in patterns for g in globs
            ):
                out.append(res.name)
        return out

    def _shared_reached(self, st: _Stmt, action: str) -> list[str]:
        """The ``shared`` resources of the action's service that the statement's
        Resource may name (NotResource: every one)."""
        service = action.partition(":")[0]
        excluded = "".join(c for c in "/:" if c not in self.language.alphabet)
        out = []
        for res in self.resources:
            if not res.shared or res.service != service:
                continue
            if "Resource" not in st.raw or any(
                _glob.may_overlap(_as_glob(str(p)), _model_glob(res.arn), excluded)
                for p in _listify(st.raw["Resource"])
            ):
                out.append(res.name)
        return out

    def _reaches_type(self, st: _Stmt, formats: tuple[str, ...]) -> bool:
        """Whether the statement's Resource can match an ARN of one of ``formats`` (a
        star-only action: the request resource ``*``). Sound: a name in a format is any
        text (`/` and `:` included, :data:`_NARROW_VARIABLES` aside), the tenant any ID."""
        if not formats:
            return _admits_star(st)
        if "Resource" not in st.raw:
            return True  # NotResource: taken as reaching every type
        excluded = "".join(c for c in "/:" if c not in self.language.alphabet)
        globs = [_format_glob(f) for f in formats]
        return any(
            _glob.may_overlap(_as_glob(str(p)), g, excluded)
            for p in _listify(st.raw["Resource"])
            for g in globs
        )

    def _deputy_request(
        self, action: str, grants: list[_Stmt], formats: tuple[str, ...]
    ) -> Counterexample | None:
        tenant = self._some_tenant()
        for st in grants:
            patterns = _listify(st.raw["Resource"]) if "Resource" in st.raw else ["*"]
            for pattern in patterns:
                resource = self._deputy_resource(str(pattern), tenant, formats)
                if resource is None:
                    continue
                context = self._tag_context(tenant)
                context.update(self._satisfying_context(tenant, None, action))
                decision = self._decide(tenant, action, resource, context)
                if decision is not None:
                    return Counterexample(
                        "escalation",
                        DEPUTY_RESOURCE,
                        tenant,
                        None,
                        action,
                        resource,
                        context,
                        decision,
                        f"deputy write: {DEPUTY_WRITES[action]}",
                    )
        return None

    def _deputy_resource(self, pattern: str, tenant: str, formats: tuple[str, ...]) -> str | None:
        """A concrete ARN of one of ``formats`` that ``pattern`` (for ``tenant``) matches:
        the pattern with its wildcards filled, or a format filled with this account."""
        if not formats:
            return "*"
        mine = pattern.replace(TENANT_MARKER, tenant)
        mine = re.sub(r"\$\{aws:PrincipalTag/TenantId\}", tenant, mine, flags=re.I)
        filled = mine.replace("*", "x").replace("?", "x")
        if any(_format_regex(f).fullmatch(filled) for f in formats):
            return filled
        partition = self.role_arn.split(":")[1] if self.role_arn.count(":") > 1 else "aws"
        regions = [r.arn.split(":")[3] for r in self.resources if r.arn.count(":") > 3]
        region = next((r for r in regions if r and "*" not in r), "us-east-1")
        for f in formats:
            arn = f.replace("${Partition}", partition).replace("${Account}", self.account)
            arn = re.sub(r"\$\{[^}]*\}", "x", arn.replace("${Region}", region))
            if _glob.glob_match(mine, arn):
                return arn
        return None


#: Variables of the action data's ARN formats whose values AWS documents to hold
#: neither `/` nor `:` (the partition, a region, an account ID, an S3 bucket name). Every
#: other name may hold any character: many services allow `/` in names (CloudWatch
#: alarms, Secrets Manager secrets, SSM parameters, ECR repositories, IAM paths, log
#: groups, object keys) and some ARNs carry a `:` qualifier after the name (a Lambda
#: function's alias or version, a state machine's), so reading a name narrower than
#: AWS does would make a grant look as if it reached no resource of the type.
_NARROW_VARIABLES = frozenset({"Partition", "Region", "Account", "BucketName"})


def _outsider_contexts(
    conds: Iterable[Any], other: str, account: str
) -> list[dict[str, tuple[tuple[str, ...], bool]]]:
    """Request contexts of principals of another account (``other``) that a tenant can
    create: a role of any name (``role/any``) and each principal ARN a condition on
    ``aws:PrincipalArn`` names, moved into that account with its wildcards filled (a
    role named like the tier role, in the tenant's own account); and, where a
    condition on ``aws:PrincipalAccount`` / ``kms:CallerAccount`` gives a pattern, an
    account other than ``account`` that it matches."""
    arns = [f"arn:aws:iam::{other}:role/any"]
    accounts = [other]
    for c in conds:
        for v in c.values:
            text = str(v)
            key = c.key.lower()
            if key == "aws:principalarn":
                parts = text.split(":", 5)
                if len(parts) == 6:
                    parts[4] = other
                    arns.append(re.sub(r"[*?]", "x", ":".join(parts)))
                # any principal ARN of another account the value matches, however its
                # wildcards fall (`*:role/tenant-role`, `arn:aws:iam::1111*:role/x`)
                for found in _outsider_arns(text, c.operator, account):
                    arns.append(found)
                    accounts.append(found.split(":")[4])
            elif key in ("aws:principalaccount", "kms:calleraccount") and re.search(r"[*?]", text):
                for digit in "90":
                    filled = re.sub(r"[*?]", digit, text)
                    if filled != account:
                        accounts.append(filled)
                accounts.extend(_outsider_arns(text, c.operator, account, accounts_only=True))
    return [
        {
            "aws:principalarn": ((arn,), False),
            "aws:principalaccount": ((acct,), False),
            "kms:calleraccount": ((acct,), False),
        }
        for arn in dict.fromkeys(arns)
        for acct in dict.fromkeys(accounts)
    ]


#: The principal ARNs an outsider may have (IAM User Guide, "AWS global condition
#: context keys", ``aws:PrincipalArn``: a role's ARN for its sessions, a user's, the
#: account root's; a federated user's session ARN), as cells: a literal character, ``D``
#: a digit of the account, ``N`` one name character, ``L`` any number of them.
_OUTSIDER_FORMS = tuple(
    f"arn:{partition}:{form}"
    for partition in ("aws", "aws-cn", "aws-us-gov")
    for form in (
        "iam::DDDDDDDDDDDD:role/NL",
        "iam::DDDDDDDDDDDD:user/NL",
        "iam::DDDDDDDDDDDD:root",
        "sts::DDDDDDDDDDDD:federated-user/NL",
    )
)
_NAME_CHARS = re.compile(r"[A-Za-z0-9+=,.@_/-]")


def _outsider_arns(
    pattern: str, operator: str, account: str, *, accounts_only: bool = False
) -> list[str]:
    """Principal ARNs (``accounts_only``: 12-digit account IDs) of accounts other than
    ``account`` that a condition value may match, found by matching the value's
    wildcards against :data:`_OUTSIDER_FORMS` (a ``*`` read both as crossing `:` and as
    not, for ``StringLike`` and ``ArnLike``; literal characters without regard to case
    for the ``IgnoreCase`` operators). The evaluator then decides each candidate: the
    search only proposes them, so a value it cannot match leaves the others' probes
    (attack review 12-01: ``StringLike aws:PrincipalArn *:role/tenant-role`` is met by a
    role of that name in the tenant's own account)."""
    if "${" in pattern:
        return []
    op = operator.lower()
    wild = "like" in op
    fold = "ignorecase" in op
    tokens = [
        ("star", "") if wild and t == "*" else ("one", "") if wild and t == "?" else ("lit", t)
        for t in pattern
    ]
    forms = ("D" * 12,) if accounts_only else _OUTSIDER_FORMS
    out: list[str] = []
    for form in forms:
        for colon_star in (False, True):
            found = _match_form(tokens, form, colon_star, fold)
            if found is None:
                continue
            start = form.index("D")
            acct = found[start : start + 12]
            if "#" not in acct:
                continue  # every digit written: this account, or a named one no tenant is
            acct = "".join(
                ("9" if own != "9" else "8") if c == "#" else c
                for c, own in zip(acct, account.ljust(12), strict=True)
            )
            found = found[:start] + acct + found[start + 12 :]
            if found not in out:
                out.append(found)
    return out


def _match_form(
    tokens: list[tuple[str, str]], form: str, colon_star: bool, fold: bool
) -> str | None:
    """A string of ``form`` (cells as :data:`_OUTSIDER_FORMS`) that the pattern
    ``tokens`` matches, the account digits it leaves free written ``#``; None when none
    is found."""
    failed: set[tuple[int, int]] = set()

    def cell_char(j: int) -> str:
        c = form[j]
        if c == "D":
            return "#"  # a digit the value leaves free: filled unlike `account`'s
        return "x" if c in "NL" else c

    def takes(j: int, ch: str) -> bool:
        c = form[j]
        if c == "D":
            return ch.isdigit()
        if c in "NL":
            return _NAME_CHARS.fullmatch(ch) is not None
        return ch.lower() == c.lower() if fold else ch == c

    def go(i: int, j: int) -> str | None:
        if (i, j) in failed:
            return None
        result: str | None = None
        if i == len(tokens):
            if all(form[k] == "L" for k in range(j, len(form))):
                return ""
        elif tokens[i][0] == "star":
            result = go(i + 1, j)  # the star ends here
            if result is None and j < len(form):
                if form[j] == "L":
                    result = go(i, j + 1)  # the loop makes nothing more
                else:
                    ch = cell_char(j)
                    if colon_star or ch != ":":
                        rest = go(i, j + 1)
                        result = None if rest is None else ch + rest
        elif j < len(form):
            kind, lit = tokens[i]
            if form[j] == "L":
                if kind == "one" or takes(j, lit):
                    rest = go(i + 1, j)
                    result = None if rest is None else ("x" if kind == "one" else lit) + rest
                if result is None:
                    result = go(i, j + 1)
            elif kind == "one" or takes(j, lit):
                rest = go(i + 1, j + 1)
                ch = cell_char(j) if kind == "one" else (form[j] if form[j] not in "DNL" else lit)
                result = None if rest is None else ch + rest
        if result is None:
            failed.add((i, j))
        return result

    return go(0, 0)


def _format_glob(fmt: str) -> str:
    """An ARN format as a :func:`_glob.may_overlap` pattern: the partition, region,
    account and bucket name as the slot (no `/`, no `:`), any other name as any text."""
    return re.sub(r"\$\{([^}]*)\}", lambda m: _glob.SLOT if m[1] in _NARROW_VARIABLES else "*", fmt)


_UNBOUND = (
    "is a condition key whose value is not the data a request touches (a request tag, the "
    "caller's own attributes, the network...): a request with the tenant's value may still "
    "reach another tenant's data, so the proof cannot read whose data it reaches; partition "
    "by the resource ARN, `dynamodb:LeadingKeys`, `s3:prefix`, an encryption context or a "
    "resource tag"
)


def _read_below(actions: tuple[str, ...]) -> str:
    return (
        f"is a condition key of the resource a request names, and {', '.join(actions)} "
        "reads the resources below the one it names, authorised on that one alone ("
        + "; ".join(READS_BELOW[a] for a in actions)
        + "): the key of the named resource says nothing of whose resources it returns; "
        "partition by the ARN (the tenant in the path, `parameter/saas/{tenant}/*`) or do "
        "not grant the action"
    )


_ONE_RESOURCE = (
    "is a tag of the resource a request names, and the resource's `arn` does not range over "
    "whole tagged resources (one table, one key, one queue; the objects of one bucket or "
    "the indexes of one table, which carry their parent's tags; an access point, which "
    "reaches every key of its bucket): a resource has one value per tag key, so every "
    "request on it carries the same value and the tenant it names reaches every tenant's "
    "data in it; partition by the data's key (`dynamodb:LeadingKeys`, `s3:prefix`, an "
    "encryption context, the object key) or give each tenant a resource of its own "
    "(`table/orders-*`)"
)

#: Resource names (ARN format variables) that name a view of another resource's data
#: rather than the data: an S3 access point reaches every key of its bucket, and
#: ``aws:ResourceTag`` on a request through one "covers the underlying access point tags
#: only" (S3 User Guide, "Using tags with S3 Access Points for general purpose buckets").
_VIEW_NAME_VARIABLES = frozenset({"AccessPointName", "AccessPointAlias"})
_PLACE_VARIABLES = frozenset({"Partition", "Region", "Account"})


def tags_whole_resources(arn: str, formats: Iterable[str]) -> bool:
    """Whether a model resource's ``arn`` ranges over whole tagged resources, so that a
    partition on a resource tag (:func:`_shapes.resource_tag_key`) can give each tenant
    resources of its own: the ``arn`` varies (its first `*`, `?` or `{tenant}`) inside
    the first name of every ARN format of its service that may name one of its ARNs,
    the name of the resource that carries the tags (`table/orders-*`: the table;
    `secret:saas/*`: the secret; `arn:aws:s3:::docs-*`: the bucket). One literal ARN (a
    pooled table, a shared key) is one resource with one tag value; `docs/*` varies in
    the object key under one bucket and `table/orders/index/*` in the index under one
    table, whose requests carry that parent's tags (S3 reads `aws:ResourceTag` from the
    bucket: S3 User Guide, "Using tags with S3 general purpose buckets"); a format whose
    first name is an access point (:data:`_VIEW_NAME_VARIABLES`) names no data. A
    wildcard before the name (the region, the account) is read as not whole too."""
    cut = min((i for i in (arn.find(c) for c in "*?{") if i >= 0), default=-1)
    if cut < 0:
        return False
    literal = arn[:cut]
    model = _model_glob(arn.replace("{tenant}", "*"))
    seen = False
    for fmt in formats:
        if not _glob.may_overlap(_format_glob(fmt), model, "/:"):
            continue
        pieces = re.split(r"(\$\{[^}]*\})", fmt)
        pattern = ""
        view = False
        for i, piece in enumerate(pieces):
            if i % 2 == 0:
                pattern += re.escape(piece)
                continue
            name = piece[2:-1]
            if name in _PLACE_VARIABLES:
                pattern += "[^:]*"
                continue
            view = name in _VIEW_NAME_VARIABLES
            after = pieces[i + 1][:1] if i + 1 < len(pieces) else ""
            stop = "/:" if name in _NARROW_VARIABLES else after
            pattern += f"[^{re.escape(stop)}]*" if stop else ".*"
            break
        if view or re.fullmatch(pattern, literal, re.DOTALL) is None:
            return False
        seen = True
    return seen


#: Services whose ARN may end in a qualifier (`function:NAME:QUALIFIER`: a Lambda
#: version or alias; `stateMachine:NAME:QUALIFIER`: a Step Functions version or alias)
#: that runs the named resource's code or definition.
_QUALIFIED = frozenset({"lambda", "states"})


def _names_tenant(arn: str, service: str) -> bool:
    """Whether a partition ARN makes a resource one tenant's own: the tenant stands in
    the resource's name, not only in a qualifier (an alias per tenant of one function
    runs the code every tenant shares, which routes by the payload)."""
    if service in _QUALIFIED:
        return "{tenant}" in ":".join(arn.split(":")[:7])
    return "{tenant}" in arn


def _format_regex(fmt: str) -> re.Pattern[str]:
    """An ARN format as a regex of its ARNs, names read as :func:`_format_glob` does."""
    out = []
    for i, part in enumerate(re.split(r"(\$\{[^}]*\})", fmt)):
        if i % 2 == 0:
            out.append(re.escape(part))
        else:
            out.append("[^:/]+" if part[2:-1] in _NARROW_VARIABLES else ".+")
    return re.compile("".join(out), re.DOTALL)


def _granted(st: _Stmt) -> list[str]:
    """The actions (lower case) a statement's Action (or NotAction) covers: the action
    data's and policyuniverse's names its patterns match, and a named action neither
    knows (its effect is then unknown)."""
    from .._iamdata import service_actions

    if st.not_action or "*" in st.actions:
        return [a for a in _every_action() if _action_covered(st, a)]
    out: dict[str, None] = {}
    for pattern in st.actions:
        if "*" not in pattern and "?" not in pattern:
            if ":" in pattern:
                out[pattern] = None
            continue
        service = pattern.partition(":")[0]
        pool = service_actions(service) if "*" not in service and "?" not in service else None
        for a in pool if pool is not None else _every_action():
            if _action_covered(st, a):
                out[a] = None
    return list(out)


def _shown_resource(st: _Stmt) -> str:
    if "Resource" not in st.raw:
        return "NotResource " + ", ".join(_shown(str(p)) for p in _listify(st.raw["NotResource"]))
    return ", ".join(_shown(str(p)) for p in _listify(st.raw["Resource"]))


@cache
def _every_action() -> tuple[str, ...]:
    from .._iamdata import known_actions

    return tuple(sorted(known_actions()))


def _services(principal: Any) -> list[str]:
    if not isinstance(principal, Mapping):
        return []
    return [str(v) for v in _listify(principal.get("Service", []))]


def _may_name(st: _Stmt, targets: tuple[str, ...]) -> bool:
    """Whether the statement's Resource may name an ARN of one of the model strings
    ``targets`` (NotResource: taken as naming every one)."""
    if "Resource" not in st.raw:
        return True
    return any(
        _glob.may_overlap(_as_glob(str(p)), _model_glob(t))
        for p in _listify(st.raw["Resource"])
        for t in targets
    )


def _context_key(condition_key: str) -> str | None:
    """The context key of a ``kms:EncryptionContext:KEY`` condition key (None for any
    other key)."""
    head, sep, key = condition_key.partition(":")
    rest, sep2, key = key.partition(":")
    if head.lower() != "kms" or rest.lower() != "encryptioncontext" or not sep or not sep2:
        return None
    return key or None


def _pins_context_keys(st: _Stmt, key: str) -> bool:
    """Whether the Allow holds only for requests whose encryption context keys are
    listed literally under ``ForAllValues:StringEquals`` on ``kms:EncryptionContextKeys``
    (case-sensitive), no two of them and no one of them and ``key`` differing only in
    case: such a request never carries ``key`` twice."""
    if _case_twins(st.raw) is not None:
        return False
    for c in _conditions(st.raw):
        if c.key.lower() != "kms:encryptioncontextkeys":
            continue
        if c.operator.lower() != "forallvalues:stringequals" or not c.values:
            continue
        values = [str(v) for v in c.values]
        if any("$" in v or "*" in v or "?" in v for v in values):
            continue
        folded = {v.lower() for v in values}
        if len(folded) != len(values):
            continue
        if any(v.lower() == key.lower() and v != key for v in values):
            continue
        return True
    return False


def _flag_values(cond_values: tuple[Any, ...]) -> set[str]:
    return {str(v).lower() for v in cond_values}


def _requires_flag_false(st: _Stmt, flag: str) -> bool:
    """Whether the Allow holds only for requests that carry ``flag`` as false: a plain
    ``Bool`` block on it whose values are all false (no ``IfExists``, no set operator;
    conditions are ANDed, so one such block is enough). A key named twice in one block
    in different case is never read as a fence."""
    if _case_twins(st.raw) is not None:
        return False
    return any(
        c.key.lower() == flag.lower()
        and c.operator == "Bool"
        and bool(c.values)
        and _flag_values(c.values) == {"false"}
        for c in _conditions(st.raw)
    )


def _refuses_flag(d: _Stmt, action: str, flag: str, targets: list[str]) -> bool:
    """Whether the Deny refuses every request of ``action`` on ``targets`` (model
    strings) that carries ``flag`` as true: its only condition is ``Bool`` (or
    ``BoolIfExists``) on the flag with the value true, and its Resource is ``*`` or a
    literal prefix followed by one ``*`` that every target starts with."""
    if "Resource" not in d.raw or not _action_covered(d, action) or _case_twins(d.raw):
        return False
    conds = _conditions(d.raw)
    if len(conds) != 1:
        return False
    (c,) = conds
    if c.key.lower() != flag.lower() or c.operator not in ("Bool", "BoolIfExists"):
        return False
    if _flag_values(c.values) != {"true"}:
        return False
    patterns = [str(p) for p in _listify(d.raw["Resource"])]

    def covered(target: str) -> bool:
        return any(
            p == "*"
            or (
                p.endswith("*")
                and not any(ch in p[:-1] for ch in "*?$")
                and target.startswith(p[:-1])
            )
            for p in patterns
        )

    return all(covered(t) for t in targets)
