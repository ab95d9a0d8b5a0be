"""Bursary schemes: drawn from a fund's bursaries allocation, targeted at institutes, courses,
sectors and levels, with eligibility rules."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, false, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.access import (
    admined_institutes,
    can_read,
    check_manager,
    is_member,
    is_network_admin,
    manages,
    member_employers,
)
from partnerships.employer.service import require_not_suspended, require_verified
from partnerships.errors import IdempotencyKeyReused, InvalidTransition, OverAllocated
from partnerships.fund.service import check_active, institutes_of
from partnerships.ledger import entry, fund_balance, scheme_balance, scheme_balances
from partnerships.locking import lock
from partnerships.models import BursaryScheme, Employer, Fund, SchemeTarget
from partnerships.money import gbp
from partnerships.scheme import rules
from partnerships.scheme.schemas import (
    SchemeBalanceRead,
    SchemeCreate,
    SchemeRead,
    SchemeUpdate,
)
from partnerships.vocab import EntryKind, Purpose, SchemeStatus
from servicekit.auth import Principal
from servicekit.db import utcnow
from servicekit.errors import Forbidden, Unprocessable
from servicekit.repository import not_found

TARGET_KINDS = ("institute", "course", "sector", "level")
OPEN_CHANGES = frozenset({"name", "description", "closes_on"})


async def targets_of(
    session: AsyncSession, scheme_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, list[str]]]:
    targets: dict[uuid.UUID, dict[str, list[str]]] = defaultdict(
        lambda: {k: [] for k in TARGET_KINDS}
    )
    if scheme_ids:
        rows = await session.execute(
            select(col(SchemeTarget.scheme_id), col(SchemeTarget.kind), col(SchemeTarget.value))
            .where(col(SchemeTarget.scheme_id).in_(scheme_ids))
            .order_by(col(SchemeTarget.value))
        )
        for scheme_id, kind, value in rows:
            targets[scheme_id][kind].append(value)
    return targets


def set_targets(session: AsyncSession, scheme_id: uuid.UUID, kind: str, values: list[str]) -> None:
    for value in dict.fromkeys(values):
        session.add(SchemeTarget(scheme_id=scheme_id, kind=kind, value=value))


async def replace_targets(
    session: AsyncSession, scheme_id: uuid.UUID, kind: str, values: list[str]
) -> None:
    await session.execute(
        delete(SchemeTarget).where(
            col(SchemeTarget.scheme_id) == scheme_id, col(SchemeTarget.kind) == kind
        )
    )
    set_targets(session, scheme_id, kind, values)


async def read_schemes(session: AsyncSession, schemes: Sequence[BursaryScheme]) -> list[SchemeRead]:
    ids = [s.id for s in schemes]
    targets = await targets_of(session, ids)
    balances = await scheme_balances(session, ids)
    return [
        SchemeRead(
            id=s.id,
            fund_id=s.fund_id,
            employer_id=s.employer_id,
            name=s.name,
            description=s.description,
            institute_ids=[uuid.UUID(v) for v in targets[s.id]["institute"]],
            course_ids=[uuid.UUID(v) for v in targets[s.id]["course"]],
            sectors=targets[s.id]["sector"],
            levels=sorted(int(v) for v in targets[s.id]["level"]),
            award_pence=s.award_pence,
            max_awards=s.max_awards,
            opens_on=s.opens_on,
            closes_on=s.closes_on,
            status=SchemeStatus(s.status),
            eligibility=s.eligibility,
            balances=SchemeBalanceRead.of(balances[s.id], s.max_awards),
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
        for s in schemes
    ]


def targeted(kind: str, value: str, *, any_when_empty: bool = True) -> ColumnElement[bool]:
    """Schemes for ``value`` of ``kind``: listed, or (when allowed) no list of that kind."""
    listed = exists().where(
        col(SchemeTarget.scheme_id) == col(BursaryScheme.id),
        col(SchemeTarget.kind) == kind,
        col(SchemeTarget.value) == value,
    )
    if not any_when_empty:
        return listed
    unrestricted = not_(
        exists().where(
            col(SchemeTarget.scheme_id) == col(BursaryScheme.id), col(SchemeTarget.kind) == kind
        )
    )
    return or_(unrestricted, listed)


def visibility(principal: Principal | None) -> ColumnElement[bool] | None:
    """Open schemes for everyone; the rest for the employer's members, the admins of an
    institute a scheme is for, and network admins (``None``: no restriction)."""
    if is_network_admin(principal):
        return None
    own = col(BursaryScheme.employer_id).in_(member_employers(principal))
    institutes = admined_institutes(principal)
    for_my_institutes = (
        exists().where(
            col(SchemeTarget.scheme_id) == col(BursaryScheme.id),
            col(SchemeTarget.kind) == "institute",
            col(SchemeTarget.value).in_([str(i) for i in institutes]),
        )
        if institutes
        else false()
    )
    return or_(col(BursaryScheme.status) == SchemeStatus.open, own, for_my_institutes)


async def readable_scheme(
    session: AsyncSession, principal: Principal | None, scheme_id: uuid.UUID
) -> BursaryScheme:
    scheme = await session.get(BursaryScheme, scheme_id)
    if scheme is None:
        raise not_found("bursary scheme", scheme_id)
    if scheme.status == SchemeStatus.open:
        return scheme
    institutes = [
        uuid.UUID(v) for v in (await targets_of(session, [scheme.id]))[scheme.id]["institute"]
    ]
    if not can_read(principal, scheme.employer_id, institutes):
        raise not_found("bursary scheme", scheme_id)
    return scheme


async def managed_scheme_locked(
    session: AsyncSession, principal: Principal, scheme_id: uuid.UUID
) -> BursaryScheme:
    scheme = await readable_scheme(session, principal, scheme_id)
    check_manager(principal, scheme.employer_id, "bursary scheme", scheme_id)
    locked = await lock(session, BursaryScheme, scheme.id)
    if locked is None:  # pragma: no cover - schemes are never deleted
        raise not_found("bursary scheme", scheme_id)
    return locked


def _check_window(opens_on: Any, closes_on: Any) -> None:
    if closes_on < opens_on:
        raise Unprocessable.for_field(
            "body.closes_on", "A scheme cannot close before it opens.", "before_open"
        )


def _check_awards_fit(award_pence: int, max_awards: int, allocation_pence: int) -> None:
    needed = award_pence * max_awards
    if needed > allocation_pence:
        raise Unprocessable.for_field(
            "body.max_awards",
            f"{max_awards} awards of {gbp(award_pence)} need {gbp(needed)}, more than the "
            f"scheme's allocation of {gbp(allocation_pence)}.",
            "awards_exceed_allocation",
        )


async def create_scheme(
    session: AsyncSession, principal: Principal, body: SchemeCreate, key: str | None
) -> tuple[BursaryScheme, bool]:
    fund = await session.get(Fund, body.fund_id)
    if fund is None or not manages(principal, fund.employer_id):
        if fund is not None and is_member(principal, fund.employer_id):
            raise Forbidden("Only the employer's owners and admins may create bursary schemes.")
        raise Unprocessable.for_field(
            "body.fund_id", f"No fund {body.fund_id} that you manage.", "not_found"
        )
    if key is not None:
        existing = (
            await session.execute(
                select(BursaryScheme).where(
                    col(BursaryScheme.fund_id) == fund.id,
                    col(BursaryScheme.idempotency_key) == key,
                )
            )
        ).scalar_one_or_none()
        if existing is not None:
            if (existing.name, existing.award_pence, existing.max_awards) != (
                body.name,
                body.award_pence,
                body.max_awards,
            ):
                raise IdempotencyKeyReused(
                    "This Idempotency-Key created a different scheme; use a new key."
                )
            return existing, True

    _check_window(body.opens_on, body.closes_on)
    fund_institutes = set((await institutes_of(session, [fund.id])).get(fund.id, []))
    outside = [i for i in body.institute_ids if i not in fund_institutes]
    if outside:
        raise Unprocessable.for_field(
            "body.institute_ids",
            f"The fund is not for institute(s) {', '.join(str(i) for i in outside)}.",
            "not_in_fund",
        )
    allocation = body.allocation_pence or body.award_pence * body.max_awards
    _check_awards_fit(body.award_pence, body.max_awards, allocation)
    eligibility = rules.parse(body.eligibility) if body.eligibility is not None else None

    locked = await lock(session, Fund, fund.id)
    assert locked is not None
    check_active(locked)
    employer = await session.get(Employer, locked.employer_id)
    assert employer is not None
    require_not_suspended(employer, "create bursary schemes")
    balances = await fund_balance(session, locked.id)
    available = balances.available(Purpose.bursaries)
    if allocation > available:
        raise OverAllocated(
            f"The scheme needs {gbp(allocation)} but only {gbp(available)} of the fund's "
            "bursaries allocation is not yet assigned; allocate more to bursaries first."
        )
    scheme = BursaryScheme(
        fund_id=locked.id,
        employer_id=locked.employer_id,
        name=body.name,
        description=body.description,
        award_pence=body.award_pence,
        max_awards=body.max_awards,
        opens_on=body.opens_on,
        closes_on=body.closes_on,
        status=SchemeStatus.draft,
        eligibility=eligibility,
        idempotency_key=key,
    )
    session.add(scheme)
    await session.flush()
    set_targets(session, scheme.id, "institute", [str(i) for i in body.institute_ids])
    set_targets(session, scheme.id, "course", [str(i) for i in body.course_ids])
    set_targets(session, scheme.id, "sector", list(body.sectors))
    set_targets(session, scheme.id, "level", [str(v) for v in body.levels])
    session.add(
        entry(
            locked.id,
            EntryKind.assign,
            allocation,
            principal.subject,
            purpose=Purpose.bursaries,
            scheme_id=scheme.id,
            note=body.name,
        )
    )
    await session.flush()
    return scheme, False


async def update_scheme(
    session: AsyncSession, principal: Principal, scheme_id: uuid.UUID, body: SchemeUpdate
) -> BursaryScheme:
    scheme = await managed_scheme_locked(session, principal, scheme_id)
    changes = body.model_dump(exclude_unset=True)
    if scheme.status == SchemeStatus.closed:
        raise InvalidTransition("A closed scheme cannot be changed.")
    if scheme.status == SchemeStatus.open and set(changes) - OPEN_CHANGES:
        fields = ", ".join(sorted(set(changes) - OPEN_CHANGES))
        raise InvalidTransition(
            f"An open scheme's {fields} cannot change; only its name, description and closing "
            "date can."
        )
    for name in ("name", "opens_on", "closes_on", "max_awards", "course_ids", "sectors", "levels"):
        if name in changes and changes[name] is None:
            raise Unprocessable.for_field(f"body.{name}", f"{name} cannot be null.", "required")
    if "eligibility" in changes and changes["eligibility"] is not None:
        scheme.eligibility = rules.parse(changes["eligibility"])
    elif "eligibility" in changes:
        scheme.eligibility = None
    if "max_awards" in changes:
        balances = await scheme_balance(session, scheme.id)
        _check_awards_fit(scheme.award_pence, changes["max_awards"], balances.assigned)
        scheme.max_awards = changes["max_awards"]
    for name in ("name", "description", "opens_on", "closes_on"):
        if name in changes:
            setattr(scheme, name, changes[name] if changes[name] is not None else "")
    _check_window(scheme.opens_on, scheme.closes_on)
    if "course_ids" in changes:
        await replace_targets(session, scheme.id, "course", [str(i) for i in changes["course_ids"]])
    if "sectors" in changes:
        await replace_targets(session, scheme.id, "sector", list(changes["sectors"]))
    if "levels" in changes:
        await replace_targets(session, scheme.id, "level", [str(v) for v in changes["levels"]])
    scheme.updated_at = utcnow()
    await session.flush()
    return scheme


async def open_scheme(
    session: AsyncSession, principal: Principal, scheme_id: uuid.UUID
) -> BursaryScheme:
    scheme = await managed_scheme_locked(session, principal, scheme_id)
    if scheme.status == SchemeStatus.open:
        return scheme
    if scheme.status == SchemeStatus.closed:
        raise InvalidTransition("A closed scheme cannot open again; create a new one.")
    employer = await session.get(Employer, scheme.employer_id)
    fund = await session.get(Fund, scheme.fund_id)
    assert employer is not None
    assert fund is not None
    require_verified(employer, "open bursary schemes")
    check_active(fund)
    scheme.status = SchemeStatus.open
    scheme.opened_at = utcnow()
    scheme.updated_at = utcnow()
    await session.flush()
    return scheme


async def close_scheme(
    session: AsyncSession, principal: Principal, scheme_id: uuid.UUID
) -> BursaryScheme:
    """No new reservations once closed; awards already held can still be awarded or released."""
    scheme = await managed_scheme_locked(session, principal, scheme_id)
    if scheme.status != SchemeStatus.closed:
        scheme.status = SchemeStatus.closed
        scheme.closed_at = utcnow()
        scheme.updated_at = utcnow()
        await session.flush()
    return scheme


def for_course_filters(
    course: uuid.UUID | None, institute: uuid.UUID | None, sector: str | None, level: int | None
) -> list[ColumnElement[bool]]:
    """A scheme applies to a course when it lists the course (or no courses), the course's
    institute, its sector (or no sectors) and its level (or no levels)."""
    clauses: list[ColumnElement[bool]] = []
    if course is not None:
        clauses.append(targeted("course", str(course)))
    if institute is not None:
        clauses.append(targeted("institute", str(institute), any_when_empty=False))
    if sector is not None:
        clauses.append(targeted("sector", sector))
    if level is not None:
        clauses.append(targeted("level", str(level)))
    return [and_(*clauses)] if clauses else []
