"""A TEST DOUBLE of the partnerships service's contract, for applications' tests only.

It serves, over real HTTP (a real ASGI app under uvicorn), the partnerships endpoints this service
calls, with partnerships' request and response shapes and rules as written on the partnerships
branch (``services/partnerships/src/partnerships/{scheme,reservation}``):

- ``GET /v1/bursary-schemes/{id}``: open schemes are public (``SchemeRead``);
- ``POST /v1/bursary-schemes/{id}/eligibility``: ``{"answers": {...}}`` checked against the
  scheme's rule (``all``/``any``/``not``/conditions); unknown fields or wrong types 422 naming
  ``body.answers.<field>``;
- ``POST /v1/bursary-schemes/{id}/reservations`` (scope ``internal``): idempotent on ``key`` (the
  ``Idempotency-Key`` header or ``body.key``; both and different: 422); the same key answers with
  the same reservation whatever its status (``Idempotent-Replayed: true``); a scheme that is not
  open 409 ``scheme-not-open``; no award or money left 409 ``scheme-full``; an institute or course
  the scheme is not for 422; a held reservation expires after ``hold_seconds``;
- ``GET /v1/reservations/{id}``, ``POST /v1/reservations/{id}/award`` (repeating it answers the
  same; expired 409 ``reservation-expired``; released 409 ``reservation-decided``) and
  ``POST /v1/reservations/{id}/release`` (repeating it or releasing an expired one answers the
  same; awarded 409 ``reservation-decided``), all scope ``internal``.

Every money movement is appended to ``ledger`` (reserve, award, release), so tests can compare
what the learner sees with what partnerships holds. State lives in this object, so stopping the
server and starting it again on the same port keeps it, as a database would.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from servicekit.auth import TokenError, TokenVerifier, principal_from_claims

FIELDS = {
    "household_income_pence": "integer",
    "age": "integer",
    "course_level": "integer",
    "home_postcode_area": "text",
    "home_region": "text",
    "course_sector": "text",
    "care_leaver": "boolean",
    "first_in_family": "boolean",
    "young_carer": "boolean",
    "disabled": "boolean",
    "estranged": "boolean",
    "free_school_meals": "boolean",
}


@dataclass
class Scheme:
    id: uuid.UUID
    name: str
    institute_ids: list[uuid.UUID]
    award_pence: int
    max_awards: int
    course_ids: list[uuid.UUID] = field(default_factory=list)
    eligibility: dict[str, Any] | None = None
    status: str = "open"
    employer_id: uuid.UUID = field(default_factory=uuid.uuid4)
    fund_id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass
class Reservation:
    id: uuid.UUID
    scheme_id: uuid.UUID
    fund_id: uuid.UUID
    key: str
    status: str
    amount_pence: int
    course_id: uuid.UUID | None
    institute_id: uuid.UUID | None
    expires_at: datetime
    created_at: datetime
    decided_at: datetime | None = None


class ReservationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str | None = None
    course_id: uuid.UUID | None = None
    institute_id: uuid.UUID | None = None
    sector: str | None = None


class EligibilityCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, Any]


def _problem(
    status: int, code: str, detail: str, errors: list[dict[str, str]] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://iot-platform.example/problems/{code}",
        "title": code,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def _holds(
    node: dict[str, Any], answers: dict[str, Any], path: str, failed: list[dict[str, Any]]
) -> bool:
    if "all" in node:
        results = [_holds(c, answers, f"{path}.all.{i}", failed) for i, c in enumerate(node["all"])]
        return all(results)
    if "any" in node:
        if any(_holds(c, answers, path, []) for c in node["any"]):
            return True
        failed.append({"rule": path, "field": None, "reason": "none of these holds"})
        return False
    if "not" in node:
        if not _holds(node["not"], answers, f"{path}.not", []):
            return True
        failed.append({"rule": path, "field": None, "reason": "this must not hold"})
        return False
    name, op, value = node["field"], node["op"], node["value"]
    if name not in answers:
        failed.append({"rule": path, "field": name, "reason": f"no answer for {name}"})
        return False
    answer = answers[name]
    ok = {
        "eq": lambda: answer == value,
        "ne": lambda: answer != value,
        "lt": lambda: answer < value,
        "lte": lambda: answer <= value,
        "gt": lambda: answer > value,
        "gte": lambda: answer >= value,
        "in": lambda: answer in value,
        "not_in": lambda: answer not in value,
        "between": lambda: value[0] <= answer <= value[1],
    }[op]()
    if not ok:
        failed.append({"rule": path, "field": name, "reason": f"needs {name} {op} {value}"})
    return bool(ok)


def _answer_problems(answers: dict[str, Any]) -> list[dict[str, str]]:
    problems = []
    for name, value in answers.items():
        kind = FIELDS.get(name)
        if kind is None:
            message = "unknown field"
        elif kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            message = "must be a whole number"
        elif kind == "boolean" and not isinstance(value, bool):
            message = "must be true or false"
        elif kind == "text" and not isinstance(value, str):
            message = "must be text"
        else:
            continue
        problems.append({"field": f"body.answers.{name}", "message": message, "code": "invalid"})
    return problems


class PartnershipsContractDouble:
    def __init__(self, public_key_pem: str, *, hold_seconds: int = 900) -> None:
        self.verifier = TokenVerifier(
            issuer="http://127.0.0.1:8004", audience="iot-platform", public_key_pem=public_key_pem
        )
        self.hold_seconds = hold_seconds
        self.lock = threading.Lock()
        self.schemes: dict[uuid.UUID, Scheme] = {}
        self.reservations: dict[uuid.UUID, Reservation] = {}
        self.ledger: list[tuple[str, int, uuid.UUID]] = []
        self.app = self._build()

    # --- what tests use ----------------------------------------------------------------------

    def add_scheme(self, **values: Any) -> Scheme:
        scheme = Scheme(id=uuid.uuid4(), **values)
        with self.lock:
            self.schemes[scheme.id] = scheme
        return scheme

    def reservations_of(self, scheme_id: uuid.UUID) -> list[Reservation]:
        with self.lock:
            self._expire(datetime.now(UTC))
            return [r for r in self.reservations.values() if r.scheme_id == scheme_id]

    # --- the contract ------------------------------------------------------------------------

    def _expire(self, now: datetime) -> None:
        for reservation in self.reservations.values():
            if reservation.status == "held" and reservation.expires_at <= now:
                reservation.status = "expired"
                reservation.decided_at = now
                self.ledger.append(("release", reservation.amount_pence, reservation.id))

    async def _internal(self, request: Request) -> JSONResponse | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return _problem(401, "unauthorized", "This needs a bearer token.")
        try:
            principal = principal_from_claims(await self.verifier.verify(header[7:]))
        except TokenError as exc:
            return _problem(401, "unauthorized", str(exc))
        if "internal" not in principal.scopes:
            return _problem(403, "forbidden", "This needs one of: internal.")
        return None

    def _scheme_read(self, scheme: Scheme) -> dict[str, Any]:
        held = [r for r in self.reservations.values() if r.scheme_id == scheme.id]
        awards_held = sum(r.status == "held" for r in held)
        awards_made = sum(r.status == "awarded" for r in held)
        now = datetime.now(UTC).isoformat()
        allocation = scheme.award_pence * scheme.max_awards
        return {
            "id": str(scheme.id),
            "fund_id": str(scheme.fund_id),
            "employer_id": str(scheme.employer_id),
            "name": scheme.name,
            "description": "",
            "institute_ids": [str(i) for i in scheme.institute_ids],
            "course_ids": [str(c) for c in scheme.course_ids],
            "sectors": [],
            "levels": [],
            "award_pence": scheme.award_pence,
            "max_awards": scheme.max_awards,
            "opens_on": date.today().isoformat(),
            "closes_on": (date.today() + timedelta(days=180)).isoformat(),
            "status": scheme.status,
            "eligibility": scheme.eligibility,
            "balances": {
                "allocation_pence": allocation,
                "reserved_pence": awards_held * scheme.award_pence,
                "awarded_pence": awards_made * scheme.award_pence,
                "available_pence": allocation - (awards_held + awards_made) * scheme.award_pence,
                "awards_held": awards_held,
                "awards_made": awards_made,
                "awards_left": max(0, scheme.max_awards - awards_held - awards_made),
            },
            "created_at": now,
            "updated_at": now,
        }

    @staticmethod
    def _reservation_read(r: Reservation) -> dict[str, Any]:
        return {
            "id": str(r.id),
            "scheme_id": str(r.scheme_id),
            "fund_id": str(r.fund_id),
            "key": r.key,
            "status": r.status,
            "amount_pence": r.amount_pence,
            "course_id": str(r.course_id) if r.course_id else None,
            "institute_id": str(r.institute_id) if r.institute_id else None,
            "sector": None,
            "expires_at": r.expires_at.isoformat(),
            "decided_at": r.decided_at.isoformat() if r.decided_at else None,
            "created_at": r.created_at.isoformat(),
        }

    def _build(self) -> FastAPI:
        app = FastAPI(title="partnerships (test double)")

        @app.get("/healthz")
        async def healthz() -> dict[str, str]:
            return {"status": "ok"}

        @app.get("/v1/bursary-schemes/{scheme_id}", response_model=None)
        async def get_scheme(scheme_id: uuid.UUID) -> JSONResponse:
            with self.lock:
                scheme = self.schemes.get(scheme_id)
                if scheme is None or scheme.status != "open":
                    return _problem(404, "not-found", f"No bursary scheme with id {scheme_id}.")
                return JSONResponse(self._scheme_read(scheme))

        @app.post("/v1/bursary-schemes/{scheme_id}/eligibility", response_model=None)
        async def eligibility(scheme_id: uuid.UUID, body: EligibilityCheck) -> JSONResponse:
            with self.lock:
                scheme = self.schemes.get(scheme_id)
                if scheme is None or scheme.status != "open":
                    return _problem(404, "not-found", f"No bursary scheme with id {scheme_id}.")
                if problems := _answer_problems(body.answers):
                    return _problem(422, "validation-failed", "answers not valid", problems)
                failed: list[dict[str, Any]] = []
                if scheme.eligibility is not None:
                    _holds(scheme.eligibility, body.answers, "eligibility", failed)
                return JSONResponse(
                    {"scheme_id": str(scheme.id), "eligible": not failed, "failed": failed}
                )

        @app.post("/v1/bursary-schemes/{scheme_id}/reservations", response_model=None)
        async def reserve(
            request: Request,
            scheme_id: uuid.UUID,
            body: ReservationCreate,
            idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
        ) -> JSONResponse:
            if (refused := await self._internal(request)) is not None:
                return refused
            if idempotency_key and body.key and idempotency_key != body.key:
                return _problem(422, "validation-failed", "The key and the header differ.")
            key = idempotency_key or body.key
            if not key:
                return _problem(400, "bad-request", "A reservation needs a key.")
            now = datetime.now(UTC)
            with self.lock:
                scheme = self.schemes.get(scheme_id)
                if scheme is None:
                    return _problem(404, "not-found", f"No bursary scheme with id {scheme_id}.")
                if body.institute_id and body.institute_id not in scheme.institute_ids:
                    return _problem(
                        422, "validation-failed", "The scheme is not for that institute."
                    )
                if body.course_id and scheme.course_ids and body.course_id not in scheme.course_ids:
                    return _problem(422, "validation-failed", "The scheme is not for that course.")
                self._expire(now)
                for existing in self.reservations.values():
                    if existing.scheme_id == scheme.id and existing.key == key:
                        if (existing.course_id, existing.institute_id) != (
                            body.course_id,
                            body.institute_id,
                        ):
                            return _problem(422, "idempotency-key-reused", "Key reused.")
                        return JSONResponse(
                            self._reservation_read(existing),
                            status_code=201,
                            headers={"Idempotent-Replayed": "true"},
                        )
                if scheme.status != "open":
                    return _problem(409, "scheme-not-open", f"'{scheme.name}' is {scheme.status}.")
                taken = sum(
                    r.scheme_id == scheme.id and r.status in ("held", "awarded")
                    for r in self.reservations.values()
                )
                if taken >= scheme.max_awards:
                    return _problem(409, "scheme-full", f"All awards of '{scheme.name}' are taken.")
                reservation = Reservation(
                    id=uuid.uuid4(),
                    scheme_id=scheme.id,
                    fund_id=scheme.fund_id,
                    key=key,
                    status="held",
                    amount_pence=scheme.award_pence,
                    course_id=body.course_id,
                    institute_id=body.institute_id,
                    expires_at=now + timedelta(seconds=self.hold_seconds),
                    created_at=now,
                )
                self.reservations[reservation.id] = reservation
                self.ledger.append(("reserve", reservation.amount_pence, reservation.id))
                return JSONResponse(self._reservation_read(reservation), status_code=201)

        @app.get("/v1/reservations/{reservation_id}", response_model=None)
        async def get_reservation(request: Request, reservation_id: uuid.UUID) -> JSONResponse:
            if (refused := await self._internal(request)) is not None:
                return refused
            with self.lock:
                self._expire(datetime.now(UTC))
                found = self.reservations.get(reservation_id)
                if found is None:
                    return _problem(404, "not-found", "No such reservation.")
                return JSONResponse(self._reservation_read(found))

        @app.post("/v1/reservations/{reservation_id}/award", response_model=None)
        async def award(request: Request, reservation_id: uuid.UUID) -> JSONResponse:
            if (refused := await self._internal(request)) is not None:
                return refused
            now = datetime.now(UTC)
            with self.lock:
                self._expire(now)
                found = self.reservations.get(reservation_id)
                if found is None:
                    return _problem(404, "not-found", "No such reservation.")
                if found.status == "expired":
                    return _problem(409, "reservation-expired", "The reservation expired.")
                if found.status == "released":
                    return _problem(409, "reservation-decided", "The reservation was released.")
                if found.status == "held":
                    found.status = "awarded"
                    found.decided_at = now
                    self.ledger.append(("award", found.amount_pence, found.id))
                return JSONResponse(self._reservation_read(found))

        @app.post("/v1/reservations/{reservation_id}/release", response_model=None)
        async def release(request: Request, reservation_id: uuid.UUID) -> JSONResponse:
            if (refused := await self._internal(request)) is not None:
                return refused
            now = datetime.now(UTC)
            with self.lock:
                self._expire(now)
                found = self.reservations.get(reservation_id)
                if found is None:
                    return _problem(404, "not-found", "No such reservation.")
                if found.status == "awarded":
                    return _problem(409, "reservation-decided", "The award was already made.")
                if found.status == "held":
                    found.status = "released"
                    found.decided_at = now
                    self.ledger.append(("release", found.amount_pence, found.id))
                return JSONResponse(self._reservation_read(found))

        @app.exception_handler(Exception)
        async def _never_500(request: Request, exc: Exception) -> Response:  # pragma: no cover
            return _problem(500, "double-error", f"{type(exc).__name__}: {exc}")

        return app
