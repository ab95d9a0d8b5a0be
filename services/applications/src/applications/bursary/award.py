"""Awarding a bursary: money held and confirmed in partnerships, recorded here, never twice.

The award is a small saga across two services. Each step commits here before the next call to
partnerships, so whatever fails, the row says how far it got::

    (none | released) --claim--> reserving --reserve--> reserved --confirm--> awarded
                                     |                      |
                                     +---- refused / released / lapsed ----> released

- **Claim**: staff ask for the award; attempt ``n`` starts and is committed with state
  ``reserving``. The reservation key is ``reservation_key(id, n)``: the bursary application's id
  (with ``.n`` from the second attempt on, because partnerships answers a used key with the same
  reservation forever, even once released).
- **Reserve**: partnerships holds one award under the key (idempotent: the same key always
  answers with the same reservation). Its id is recorded with state ``reserved``.
- **Confirm**: partnerships turns the hold into an award; then the row becomes ``awarded`` and
  the learner sees it. Only now: the learner's view never runs ahead of the ledger.

When something fails on the way:

- partnerships refuses (the scheme is full or closed, the hold expired): ``released``, a 409.
- partnerships is down or slow before or while reserving: the row stays ``reserving`` and staff
  get a 503. Asking again continues the same attempt with the same key, so it finishes the job
  without a second hold.
- the confirmation fails without an answer: the hold is released at once, unless partnerships
  says it was in fact confirmed (then the award is recorded: the answer was only lost). If
  partnerships cannot be reached even for that, the row stays ``reserved``: asking again
  finishes the job, and otherwise the recovery sweep settles it.
- **Recovery** (``recover``, run by ``applications recover`` and every
  ``APPLICATIONS_RECOVER_INTERVAL_SECONDS`` in the service): an award still ``reserving`` or
  ``reserved`` ``APPLICATIONS_AWARD_STALE_SECONDS`` after its last step was abandoned by the
  staff member who got the 503. It is completed if partnerships confirmed it, and released
  otherwise (reserving under the same key first finds the hold, if there is one). Partnerships
  also lets an unconfirmed hold expire by itself, so no money is held forever even if this
  service never comes back.

The same award asked for twice at once: both requests continue the same attempt with the same
key, so partnerships holds and confirms one award, and both answer with it. Every state change
is a compare-and-set on (attempt, state), so a late request never overwrites a newer outcome.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import or_, select, update
from sqlmodel import col

from applications.access import staff_providers
from applications.application.machine import ENDED
from applications.config import Settings
from applications.dependencies import (
    Partnerships,
    PartnershipsRefused,
    ReservationInfo,
    within,
)
from applications.errors import AwardRefused
from applications.models import Application, BursaryApplication
from applications.vocab import AwardState, BursaryStatus
from servicekit.auth import Principal
from servicekit.db import Database, utcnow
from servicekit.errors import Conflict, NotFound
from servicekit.http import DependencyUnavailable

logger = logging.getLogger("applications.award")
T = TypeVar("T")
IN_FLIGHT = (AwardState.reserving.value, AwardState.reserved.value)
PARTNERSHIPS = "partnerships"


def reservation_key(bursary_id: uuid.UUID, attempt: int) -> str:
    """Attempt 1 reserves under the bursary application's id; later attempts add ``.n``."""
    return str(bursary_id) if attempt <= 1 else f"{bursary_id}.{attempt}"


class Budget:
    """The time left for one request's calls to partnerships."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise DependencyUnavailable(PARTNERSHIPS, "no time left for it in this request")
        return await within(remaining, PARTNERSHIPS, call)


@dataclass
class RecoveryReport:
    completed: int = 0  # partnerships had confirmed the award: recorded as awarded
    released: int = 0  # the hold was released (or there was none): the award can be asked again
    left: int = 0  # partnerships could not be reached: tried again next time
    failures: list[str] = field(default_factory=list)


class Awarder:
    def __init__(self, database: Database, partnerships: Partnerships, settings: Settings) -> None:
        self.database = database
        self.partnerships = partnerships
        self.settings = settings

    # --- the rows -----------------------------------------------------------------------------

    async def load(self, bursary_id: uuid.UUID) -> BursaryApplication | None:
        async with self.database.sessionmaker() as session:
            return await session.get(BursaryApplication, bursary_id)

    async def _set(
        self, bursary: BursaryApplication, states: tuple[str, ...], **values: Any
    ) -> bool:
        """Compare-and-set: change the row only if it is still in this attempt and one of
        ``states``; commits at once."""
        now = utcnow()
        async with self.database.sessionmaker() as session:
            result = await session.execute(
                update(BursaryApplication)
                .where(
                    col(BursaryApplication.id) == bursary.id,
                    col(BursaryApplication.award_attempt) == bursary.award_attempt,
                    col(BursaryApplication.award_state).in_(states),
                )
                .values(award_updated_at=now, updated_at=now, **values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _mark_awarded(
        self, bursary: BursaryApplication, reservation: ReservationInfo
    ) -> BursaryApplication:
        await self._set(
            bursary,
            IN_FLIGHT,
            award_state=AwardState.awarded.value,
            status=BursaryStatus.awarded.value,
            reservation_id=reservation.id,
            awarded_pence=reservation.amount_pence,
            decided_by=bursary.award_requested_by,
            decided_at=utcnow(),
        )
        return await self._current(bursary)

    async def _mark_released(self, bursary: BursaryApplication) -> None:
        await self._set(bursary, IN_FLIGHT, award_state=AwardState.released.value)

    async def _current(self, bursary: BursaryApplication) -> BursaryApplication:
        found = await self.load(bursary.id)
        if found is None:  # pragma: no cover - bursary applications are never deleted
            raise NotFound(f"No bursary application with id {bursary.id}.")
        return found

    # --- awarding -----------------------------------------------------------------------------

    async def _claim(self, principal: Principal, bursary_id: uuid.UUID) -> BursaryApplication:
        """Start an attempt (or join the one in flight); committed before partnerships hears
        of it."""
        for _ in range(5):
            bursary = await self.load(bursary_id)
            if bursary is None or bursary.provider_id not in staff_providers(principal):
                raise NotFound(f"No bursary application with id {bursary_id}.")
            if bursary.status == BursaryStatus.awarded or bursary.award_state in IN_FLIGHT:
                return bursary
            if bursary.status != BursaryStatus.eligible:
                raise Conflict(f"A bursary application that is {bursary.status} cannot be awarded.")
            async with self.database.sessionmaker() as session:
                course_application = await session.get(Application, bursary.application_id)
            if course_application is None or course_application.status in ENDED:
                ended = course_application.status if course_application else "gone"
                raise Conflict(
                    f"The course application this bursary is for is {ended}: no award for it."
                )
            now = utcnow()
            async with self.database.sessionmaker() as session:
                result = await session.execute(
                    update(BursaryApplication)
                    .where(
                        col(BursaryApplication.id) == bursary.id,
                        col(BursaryApplication.status) == BursaryStatus.eligible.value,
                        col(BursaryApplication.award_attempt) == bursary.award_attempt,
                        or_(
                            col(BursaryApplication.award_state).is_(None),
                            col(BursaryApplication.award_state) == AwardState.released.value,
                        ),
                    )
                    .values(
                        award_state=AwardState.reserving.value,
                        award_attempt=bursary.award_attempt + 1,
                        reservation_id=None,
                        award_requested_by=principal.subject,
                        award_updated_at=now,
                        updated_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
                await session.commit()
            if result.rowcount:  # type: ignore[attr-defined]
                return await self._current(bursary)
        raise Conflict("The bursary application keeps changing; reload it and try again.")

    async def award(self, principal: Principal, bursary_id: uuid.UUID) -> BursaryApplication:
        bursary = await self._claim(principal, bursary_id)
        if bursary.status == BursaryStatus.awarded:
            return bursary
        budget = Budget(self.settings.dependency_budget_seconds)
        key = reservation_key(bursary.id, bursary.award_attempt)
        try:
            held = await budget.run(
                lambda: self.partnerships.reserve(
                    bursary.scheme_id, key, bursary.course_id, bursary.institute_id
                )
            )
        except PartnershipsRefused as refusal:
            await self._mark_released(bursary)  # nothing is held under this key
            raise AwardRefused(
                f"Partnerships refused the award: {refusal.detail or refusal.code}",
                extra={"reason": refusal.code},
            ) from None
        if held.status == "awarded":  # an earlier request of this attempt confirmed it
            return await self._mark_awarded(bursary, held)
        if held.status != "held":
            await self._mark_released(bursary)
            raise AwardRefused(
                "The money held for this award was released before it was confirmed; award "
                "it again.",
                extra={"reason": f"reservation-{held.status}"},
            )
        if not await self._set(
            bursary, IN_FLIGHT, award_state=AwardState.reserved.value, reservation_id=held.id
        ):
            return await self._settled_elsewhere(bursary)
        try:
            confirmed = await budget.run(lambda: self.partnerships.award(held.id))
        except PartnershipsRefused as refusal:
            outcome = await self._settle(bursary, held.id)
            if outcome.status == BursaryStatus.awarded:
                return outcome
            raise AwardRefused(
                "The money held for this award was released before it was confirmed "
                f"({refusal.code}); award it again.",
                extra={"reason": refusal.code},
            ) from None
        except DependencyUnavailable:
            # The confirmation may or may not have happened: release the hold, unless
            # partnerships says it was confirmed after all.
            compensated = await self._compensate(bursary, held.id)
            if compensated is not None and compensated.status == BursaryStatus.awarded:
                return compensated
            raise
        return await self._mark_awarded(bursary, confirmed)

    async def _settled_elsewhere(self, bursary: BursaryApplication) -> BursaryApplication:
        current = await self._current(bursary)
        if current.status == BursaryStatus.awarded:
            return current
        raise AwardRefused(
            "Another request settled this award meanwhile without making it; award it again.",
            extra={"reason": "settled-elsewhere"},
        )

    async def _settle(
        self, bursary: BursaryApplication, reservation_id: uuid.UUID
    ) -> BursaryApplication:
        """Record what partnerships says became of the reservation: awarded or not held."""
        found = await within(
            self.settings.dependency_timeout_seconds,
            PARTNERSHIPS,
            lambda: self.partnerships.reservation(reservation_id),
        )
        if found is not None and found.status == "awarded":
            return await self._mark_awarded(bursary, found)
        if found is not None and found.status == "held":
            return await self._release(bursary, reservation_id)
        await self._mark_released(bursary)
        return await self._current(bursary)

    async def _release(
        self, bursary: BursaryApplication, reservation_id: uuid.UUID
    ) -> BursaryApplication:
        try:
            await within(
                self.settings.dependency_timeout_seconds,
                PARTNERSHIPS,
                lambda: self.partnerships.release(reservation_id),
            )
        except PartnershipsRefused:
            # Already decided: it was confirmed (or it expired) meanwhile.
            return await self._settle(bursary, reservation_id)
        await self._mark_released(bursary)
        return await self._current(bursary)

    async def _compensate(
        self, bursary: BursaryApplication, reservation_id: uuid.UUID
    ) -> BursaryApplication | None:
        try:
            return await self._release(bursary, reservation_id)
        except DependencyUnavailable:
            logger.warning(
                "award %s: partnerships unreachable; reservation %s left for recovery",
                bursary.id,
                reservation_id,
            )
            return None

    # --- recovery -----------------------------------------------------------------------------

    async def stale(self, older_than: float) -> list[uuid.UUID]:
        cutoff = utcnow() - timedelta(seconds=older_than)
        async with self.database.sessionmaker() as session:
            rows = await session.execute(
                select(col(BursaryApplication.id))
                .where(
                    col(BursaryApplication.award_state).in_(IN_FLIGHT),
                    col(BursaryApplication.award_updated_at) <= cutoff,
                )
                .order_by(col(BursaryApplication.award_updated_at))
            )
            return list(rows.scalars().all())

    async def recover_one(self, bursary: BursaryApplication) -> BursaryApplication:
        """Complete the award if partnerships confirmed it, else release whatever is held."""
        reservation_id = bursary.reservation_id
        if bursary.award_state == AwardState.reserving or reservation_id is None:
            key = reservation_key(bursary.id, bursary.award_attempt)
            try:
                held = await within(
                    self.settings.dependency_timeout_seconds,
                    PARTNERSHIPS,
                    lambda: self.partnerships.reserve(
                        bursary.scheme_id, key, bursary.course_id, bursary.institute_id
                    ),
                )
            except PartnershipsRefused:
                await self._mark_released(bursary)  # no hold could exist under this key
                return await self._current(bursary)
            reservation_id = held.id
        return await self._settle(bursary, reservation_id)

    async def recover(self, older_than: float) -> RecoveryReport:
        report = RecoveryReport()
        for bursary_id in await self.stale(older_than):
            bursary = await self.load(bursary_id)
            if bursary is None or bursary.award_state not in IN_FLIGHT:
                continue
            try:
                outcome = await self.recover_one(bursary)
            except DependencyUnavailable as exc:
                report.left += 1
                report.failures.append(f"{bursary_id}: {exc.detail}")
                continue
            if outcome.status == BursaryStatus.awarded:
                report.completed += 1
            else:
                report.released += 1
        if report.completed or report.released or report.left:
            logger.info(
                "award recovery: %d completed, %d released, %d left",
                report.completed,
                report.released,
                report.left,
            )
        return report
