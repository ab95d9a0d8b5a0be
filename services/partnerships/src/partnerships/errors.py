"""The service's own problem types (each a stable ``code`` under the shared problem base)."""

from __future__ import annotations

from servicekit.errors import Conflict, Unprocessable


class OverAllocated(Conflict):
    code = "insufficient-funds"
    title = "Not enough money left for this"


class SchemeNotOpen(Conflict):
    code = "scheme-not-open"
    title = "The bursary scheme is not open"


class SchemeFull(Conflict):
    code = "scheme-full"
    title = "The bursary scheme has no awards left"


class ReservationDecided(Conflict):
    code = "reservation-decided"
    title = "The reservation was already decided otherwise"


class ReservationExpired(Conflict):
    code = "reservation-expired"
    title = "The reservation expired before it was confirmed"


class EventFull(Conflict):
    code = "event-full"
    title = "The event has no places left for that many pupils"


class EmployerNotVerified(Conflict):
    code = "employer-not-verified"
    title = "The employer is not verified yet"


class InvalidTransition(Conflict):
    code = "invalid-transition"
    title = "That change is not possible in the current status"


class IdempotencyKeyReused(Unprocessable):
    code = "idempotency-key-reused"
    title = "The idempotency key was used for a different request"
