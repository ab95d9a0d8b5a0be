"""Reservations: one award held against a scheme, then awarded or released.

Every change runs under the scheme's lock (``partnerships.locking``): expiring stale holds,
finding an earlier reservation with the same key, checking the scheme is open and has an award
and the money left, and appending the reservation and its ledger entry all see the same state.
So under any concurrency a scheme never holds or awards more than ``max_awards`` nor more money
than was assigned to it.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.errors import (
    IdempotencyKeyReused,
    ReservationDecided,
    ReservationExpired,
    SchemeFull,
    SchemeNotOpen,
)
from partnerships.ledger import entry, scheme_balance
from partnerships.locking import lock
from partnerships.models import BursaryScheme, Reservation, SchemeTarget
from partnerships.reservation.schemas import ReservationCreate
from partnerships.vocab import EntryKind, ReservationStatus, SchemeStatus
from servicekit.db import utcnow
from servicekit.errors import Unprocessable
from servicekit.repository import not_found


async def expire_held(session: AsyncSession, scheme_id: uuid.UUID, now: datetime) -> int:
    """Release the scheme's held reservations whose time is up. Hold the scheme's lock."""
    stale = (
        (
            await session.execute(
                select(Reservation).where(
                    col(Reservation.scheme_id) == scheme_id,
                    col(Reservation.status) == ReservationStatus.held,
                    col(Reservation.expires_at) <= now,
                )
            )
        )
        .scalars()
        .all()
    )
    for reservation in stale:
        reservation.status = ReservationStatus.expired
        reservation.decided_at = now
        session.add(
            entry(
                reservation.fund_id,
                EntryKind.release,
                reservation.amount_pence,
                "system:expiry",
                scheme_id=scheme_id,
                reservation_id=reservation.id,
                note="expired",
            )
        )
    if stale:
        await session.flush()
    return len(stale)


async def sweep_expired(session: AsyncSession, now: datetime | None = None) -> int:
    """Release every expired hold, scheme by scheme; returns how many were released."""
    now = now or utcnow()
    scheme_ids = (
        (
            await session.execute(
                select(col(Reservation.scheme_id))
                .where(
                    col(Reservation.status) == ReservationStatus.held,
                    col(Reservation.expires_at) <= now,
                )
                .distinct()
            )
        )
        .scalars()
        .all()
    )
    released = 0
    for scheme_id in sorted(scheme_ids):
        await lock(session, BursaryScheme, scheme_id)
        released += await expire_held(session, scheme_id, now)
    return released


async def _check_targets(
    session: AsyncSession, scheme_id: uuid.UUID, body: ReservationCreate
) -> None:
    """The institute, course and sector given must be ones the scheme is for (a scheme with no
    courses or no sectors listed is for any)."""
    rows = await session.execute(
        select(col(SchemeTarget.kind), col(SchemeTarget.value)).where(
            col(SchemeTarget.scheme_id) == scheme_id
        )
    )
    targets: dict[str, set[str]] = {}
    for target_kind, target_value in rows:
        targets.setdefault(target_kind, set()).add(target_value)
    given: list[tuple[str, str, str | None]] = [
        ("institute", "institute_id", str(body.institute_id) if body.institute_id else None),
        ("course", "course_id", str(body.course_id) if body.course_id else None),
        ("sector", "sector", body.sector),
    ]
    for kind, field, value in given:
        if value is not None and kind in targets and value not in targets[kind]:
            raise Unprocessable.for_field(
                f"body.{field}", f"The scheme is not for that {kind}.", "not_in_scheme"
            )


async def _locked_scheme(session: AsyncSession, scheme_id: uuid.UUID) -> BursaryScheme:
    scheme = await lock(session, BursaryScheme, scheme_id)
    if scheme is None:
        raise not_found("bursary scheme", scheme_id)
    return scheme


async def _by_key(session: AsyncSession, scheme_id: uuid.UUID, key: str) -> Reservation | None:
    return (
        await session.execute(
            select(Reservation)
            .where(col(Reservation.scheme_id) == scheme_id, col(Reservation.key) == key)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()


async def reserve(
    session: AsyncSession,
    scheme_id: uuid.UUID,
    key: str,
    body: ReservationCreate,
    caller: str,
    hold_seconds: int,
) -> tuple[Reservation, bool]:
    """Hold one award; the same ``key`` answers with the same reservation, whatever its status."""
    # The scheme's targets cannot change while it is open, so they are checked before the lock.
    await _check_targets(session, scheme_id, body)
    now = utcnow()
    scheme = await _locked_scheme(session, scheme_id)
    await expire_held(session, scheme.id, now)
    existing = await _by_key(session, scheme.id, key)
    if existing is not None:
        if (existing.course_id, existing.institute_id, existing.sector) != (
            body.course_id,
            body.institute_id,
            body.sector,
        ):
            raise IdempotencyKeyReused(
                "This key already reserved an award for a different course, institute or sector."
            )
        return existing, True
    if scheme.status != SchemeStatus.open:
        raise SchemeNotOpen(
            f"The scheme '{scheme.name}' is {scheme.status}: it takes no reservations."
        )
    balances = await scheme_balance(session, scheme.id)
    if balances.awards_held + balances.awards_made >= scheme.max_awards:
        raise SchemeFull(f"All {scheme.max_awards} awards of '{scheme.name}' are held or awarded.")
    if balances.available < scheme.award_pence:
        raise SchemeFull(f"The money assigned to '{scheme.name}' is all held or awarded.")
    reservation = Reservation(
        scheme_id=scheme.id,
        fund_id=scheme.fund_id,
        key=key,
        status=ReservationStatus.held,
        amount_pence=scheme.award_pence,
        course_id=body.course_id,
        institute_id=body.institute_id,
        sector=body.sector,
        reserved_by=caller,
        expires_at=now + timedelta(seconds=hold_seconds),
    )
    session.add(reservation)
    await session.flush()
    session.add(
        entry(
            scheme.fund_id,
            EntryKind.reserve,
            scheme.award_pence,
            caller,
            scheme_id=scheme.id,
            reservation_id=reservation.id,
            note=key,
        )
    )
    await session.flush()
    return reservation, False


async def _locked_reservation(session: AsyncSession, reservation_id: uuid.UUID) -> Reservation:
    found = await session.get(Reservation, reservation_id)
    if found is None:
        raise not_found("reservation", reservation_id)
    await _locked_scheme(session, found.scheme_id)
    await expire_held(session, found.scheme_id, utcnow())
    fresh = await session.get(Reservation, reservation_id, populate_existing=True)
    assert fresh is not None
    return fresh


async def get_reservation(session: AsyncSession, reservation_id: uuid.UUID) -> Reservation:
    """The reservation, expired first if its time is up."""
    found = await session.get(Reservation, reservation_id)
    if found is None:
        raise not_found("reservation", reservation_id)
    if found.status == ReservationStatus.held and found.expires_at <= utcnow():
        return await _locked_reservation(session, reservation_id)
    return found


async def award(session: AsyncSession, reservation_id: uuid.UUID, caller: str) -> Reservation:
    """Confirm the held award (repeating it changes nothing)."""
    reservation = await _locked_reservation(session, reservation_id)
    if reservation.status == ReservationStatus.awarded:
        return reservation
    if reservation.status == ReservationStatus.expired:
        raise ReservationExpired(
            "The reservation expired and its money was released; reserve again."
        )
    if reservation.status != ReservationStatus.held:
        raise ReservationDecided(f"The reservation was {reservation.status}; it cannot be awarded.")
    reservation.status = ReservationStatus.awarded
    reservation.decided_at = utcnow()
    session.add(
        entry(
            reservation.fund_id,
            EntryKind.award,
            reservation.amount_pence,
            caller,
            scheme_id=reservation.scheme_id,
            reservation_id=reservation.id,
            note=reservation.key,
        )
    )
    await session.flush()
    return reservation


async def release(session: AsyncSession, reservation_id: uuid.UUID, caller: str) -> Reservation:
    """Give the held award back to the scheme (repeating it, or releasing an expired one,
    changes nothing)."""
    reservation = await _locked_reservation(session, reservation_id)
    if reservation.status in (ReservationStatus.released, ReservationStatus.expired):
        return reservation
    if reservation.status == ReservationStatus.awarded:
        raise ReservationDecided("The award was already made; it cannot be released.")
    reservation.status = ReservationStatus.released
    reservation.decided_at = utcnow()
    session.add(
        entry(
            reservation.fund_id,
            EntryKind.release,
            reservation.amount_pence,
            caller,
            scheme_id=reservation.scheme_id,
            reservation_id=reservation.id,
            note="released",
        )
    )
    await session.flush()
    return reservation
