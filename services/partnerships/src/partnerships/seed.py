"""``partnerships seed``: the demo story, idempotent (deterministic ids; rows updated in place,
ledger entries appended only once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import create_engine, delete, select
from sqlalchemy.orm import Session

from partnerships.demo import (
    GREATER_BIRMINGHAM,
    LINCOLNSHIRE,
    NORTH_EAST,
    NORTHEAST_BATTERY_WORKS,
    NORTHERN_BROADBAND,
    OLYMPUS_AUTOMATION,
    SPONSOR_BURSARIES_PENCE,
    SPONSOR_OUTREACH_PENCE,
    SPONSOR_PLEDGE_PENCE,
    YORKSHIRE_AND_HUMBER,
    bursary_rule,
    demo_id,
)
from partnerships.models import (
    BursaryScheme,
    Employer,
    Fund,
    FundInstitute,
    LedgerEntry,
    Opportunity,
    OutreachEvent,
    Partnership,
    SchemeTarget,
    SchoolRegistration,
)
from partnerships.outreach.service import mask_of
from partnerships.vocab import (
    EmployerStatus,
    EntryKind,
    EventStatus,
    FundStatus,
    OpportunityStatus,
    PartnershipStatus,
    Purpose,
    SchemeStatus,
    postcode_area,
)
from servicekit.db import sync_url, utcnow

M = TypeVar("M")
SEEDER = "system:seed"


@dataclass
class SeedReport:
    employers: int = 0
    partnerships: int = 0
    funds: int = 0
    ledger_entries: int = 0
    schemes: int = 0
    events: int = 0
    registrations: int = 0
    opportunities: int = 0


def _upsert(session: Session, model: type[M], obj_id: uuid.UUID, **values: Any) -> M:
    obj = session.get(model, obj_id)
    if obj is None:
        obj = model(id=obj_id, **values)  # type: ignore[call-arg]
        session.add(obj)
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    return obj


def academic_year_start(today: date) -> date:
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def _next(today: date, month: int, day: int) -> date:
    candidate = date(today.year, month, day)
    return candidate if candidate > today + timedelta(days=30) else date(today.year + 1, month, day)


class _Seeder:
    def __init__(self, session: Session, today: date) -> None:
        self.session = session
        self.today = today
        self.report = SeedReport()

    def employer(self, employer_id: uuid.UUID, **values: Any) -> None:
        _upsert(
            self.session,
            Employer,
            employer_id,
            status=EmployerStatus.verified,
            verified_by=SEEDER,
            updated_at=utcnow(),
            **values,
        )
        employer = self.session.get(Employer, employer_id)
        assert employer is not None
        if employer.verified_at is None:
            employer.verified_at = utcnow()
        self.report.employers += 1

    def partnership(
        self, key: str, employer_id: uuid.UUID, institute_id: uuid.UUID, kind: str, **values: Any
    ) -> None:
        _upsert(
            self.session,
            Partnership,
            demo_id("partnership", key),
            employer_id=employer_id,
            institute_id=institute_id,
            kind=kind,
            status=PartnershipStatus.active,
            proposed_by=SEEDER,
            accepted_by=SEEDER,
            accepted_at=datetime.combine(values.get("starts_on", self.today), time(9), UTC),
            updated_at=utcnow(),
            **values,
        )
        self.report.partnerships += 1

    def fund(
        self, key: str, employer_id: uuid.UUID, institutes: list[uuid.UUID], **values: Any
    ) -> uuid.UUID:
        fund_id = demo_id("fund", key)
        _upsert(
            self.session,
            Fund,
            fund_id,
            employer_id=employer_id,
            status=FundStatus.active,
            updated_at=utcnow(),
            **values,
        )
        self.session.flush()
        for institute_id in institutes:
            if self.session.get(FundInstitute, (fund_id, institute_id)) is None:
                self.session.add(FundInstitute(fund_id=fund_id, institute_id=institute_id))
        self.report.funds += 1
        return fund_id

    def ledger(
        self, key: str, fund_id: uuid.UUID, kind: EntryKind, amount: int, **values: Any
    ) -> None:
        """Ledger entries are never changed: each demo entry is appended once."""
        entry_id = demo_id("ledger", key)
        if self.session.get(LedgerEntry, entry_id) is None:
            self.session.add(
                LedgerEntry(
                    id=entry_id,
                    fund_id=fund_id,
                    kind=kind.value,
                    amount_pence=amount,
                    actor=SEEDER,
                    **values,
                )
            )
            self.session.flush()
        self.report.ledger_entries += 1

    def scheme(
        self,
        key: str,
        fund_id: uuid.UUID,
        employer_id: uuid.UUID,
        targets: dict[str, list[str]],
        **values: Any,
    ) -> uuid.UUID:
        scheme_id = demo_id("scheme", key)
        _upsert(
            self.session,
            BursaryScheme,
            scheme_id,
            fund_id=fund_id,
            employer_id=employer_id,
            status=SchemeStatus.open,
            opened_at=utcnow(),
            updated_at=utcnow(),
            **values,
        )
        self.session.flush()
        self.session.execute(delete(SchemeTarget).where(SchemeTarget.scheme_id == scheme_id))  # type: ignore[arg-type]
        for kind, target_values in targets.items():
            for value in target_values:
                self.session.add(SchemeTarget(scheme_id=scheme_id, kind=kind, value=value))
        self.ledger(
            f"{key}:assign",
            fund_id,
            EntryKind.assign,
            values["award_pence"] * values["max_awards"],
            purpose=Purpose.bursaries.value,
            scheme_id=scheme_id,
            note=values["name"],
        )
        self.report.schemes += 1
        return scheme_id

    def event(self, key: str, **values: Any) -> uuid.UUID:
        event_id = demo_id("event", key)
        _upsert(
            self.session,
            OutreachEvent,
            event_id,
            status=EventStatus.published,
            updated_at=utcnow(),
            **values,
        )
        self.session.flush()
        self.report.events += 1
        return event_id

    def registration(self, event_id: uuid.UUID, urn: str, **values: Any) -> None:
        existing = self.session.execute(
            select(SchoolRegistration).where(
                SchoolRegistration.event_id == event_id,  # type: ignore[arg-type]
                SchoolRegistration.urn == urn,  # type: ignore[arg-type]
            )
        ).scalar_one_or_none()
        if existing is None:
            self.session.add(
                SchoolRegistration(
                    id=demo_id("registration", f"{event_id}:{urn}"),
                    event_id=event_id,
                    urn=urn,
                    **values,
                )
            )
        self.report.registrations += 1

    def opportunity(self, key: str, postcode: str, days_open: int, **values: Any) -> None:
        _upsert(
            self.session,
            Opportunity,
            demo_id("opportunity", key),
            postcode_district=postcode,
            postcode_area=postcode_area(postcode),
            closes_on=self.today + timedelta(days=days_open),
            status=OpportunityStatus.published,
            updated_at=utcnow(),
            **values,
        )
        self.report.opportunities += 1


def seed(database_url: str, today: date | None = None) -> SeedReport:
    today = today or utcnow().date()
    engine = create_engine(sync_url(database_url))
    with Session(engine) as session, session.begin():
        s = _Seeder(session, today)
        _employers(s)
        session.flush()
        _partnerships(s)
        _sponsor(s)
        _equipment(s)
        _opportunities(s)
    engine.dispose()
    return s.report


def _employers(s: _Seeder) -> None:
    s.employer(
        NORTHERN_BROADBAND,
        name="Northern Broadband Ltd",
        companies_house_number="11204718",
        sector="digital",
        size_band="large",
        region="yorkshire-and-the-humber",
        website="https://www.northern-broadband.example",
    )
    s.employer(
        OLYMPUS_AUTOMATION,
        name="Olympus Automation",
        companies_house_number="02468135",
        sector="advanced-manufacturing",
        size_band="medium",
        region="east-midlands",
        website="https://www.olympus-automation.example",
    )
    s.employer(
        NORTHEAST_BATTERY_WORKS,
        name="North East Battery Works Ltd",
        companies_house_number="13579024",
        sector="battery-electrification",
        size_band="large",
        region="north-east",
        website="https://www.northeast-battery-works.example",
    )


def _partnerships(s: _Seeder) -> None:
    start = academic_year_start(s.today)
    three_years = date(start.year + 3, 8, 31)
    contact = {
        "name": "Dana Partnerships",
        "role": "Head of community investment",
        "email": "partnerships@northern-broadband.example",
        "side": "employer",
    }
    for key, institute, where in (
        ("northern-broadband:yh", YORKSHIRE_AND_HUMBER, "Yorkshire and the Humber"),
        ("northern-broadband:lincs", LINCOLNSHIRE, "Lincolnshire"),
    ):
        s.partnership(
            key,
            NORTHERN_BROADBAND,
            institute,
            "sponsorship",
            starts_on=start,
            ends_on=three_years,
            description=f"Northern Broadband sponsors bursaries for learners in {where} who face "
            "barriers to higher technical education, and the annual STE(A)M Challenge for Year "
            "9 pupils.",
            contacts=[contact],
        )
    s.partnership(
        "olympus-automation:lincs",
        OLYMPUS_AUTOMATION,
        LINCOLNSHIRE,
        "equipment",
        starts_on=start,
        ends_on=None,
        description="Olympus Automation supplies robot cells, PLC rigs and vision systems for "
        "the institute's advanced manufacturing labs, and trains its lecturers to use them.",
        contacts=[
            {
                "name": "Sam Engineer",
                "role": "Training partnerships lead",
                "email": "education@olympus-automation.example",
                "side": "employer",
            }
        ],
    )
    for key, institute, where in (
        ("northeast-battery-works:ne", NORTH_EAST, "the North East"),
        ("northeast-battery-works:gbs", GREATER_BIRMINGHAM, "Greater Birmingham and Solihull"),
    ):
        s.partnership(
            key,
            NORTHEAST_BATTERY_WORKS,
            institute,
            "co_development",
            starts_on=start,
            ends_on=three_years,
            description=f"Co-developing battery-workforce programmes in {where} with car and "
            "battery makers, backed by a public innovation fund; the network shares the "
            "training with FE colleges.",
            contacts=[
                {
                    "name": "Alex Cell",
                    "role": "Skills programme manager",
                    "email": "skills@northeast-battery-works.example",
                    "side": "employer",
                }
            ],
        )


def _sponsor(s: _Seeder) -> None:
    start = academic_year_start(s.today)
    fund_id = s.fund(
        "northern-broadband:skills-fund",
        NORTHERN_BROADBAND,
        [YORKSHIRE_AND_HUMBER, LINCOLNSHIRE],
        name="Northern Broadband Skills Fund",
        description="GBP 530,000 over three years across Yorkshire and Humber IoT and "
        "Lincolnshire IoT: most of it bursaries for learners who face barriers, part of it an "
        "annual STE(A)M Challenge for Year 9 pupils.",
        starts_on=start,
        ends_on=date(start.year + 3, 8, 31),
    )
    s.ledger("sponsor:pledge", fund_id, EntryKind.pledge, SPONSOR_PLEDGE_PENCE, note="Pledge")
    s.ledger(
        "sponsor:allocate:bursaries",
        fund_id,
        EntryKind.allocate,
        SPONSOR_BURSARIES_PENCE,
        purpose=Purpose.bursaries.value,
        note="Bursaries over three years",
    )
    s.ledger(
        "sponsor:allocate:outreach",
        fund_id,
        EntryKind.allocate,
        SPONSOR_OUTREACH_PENCE,
        purpose=Purpose.outreach.value,
        note="Three annual STE(A)M Challenges",
    )
    window = {"opens_on": s.today - timedelta(days=30), "closes_on": _next(s.today, 7, 31)}
    for key, institute, name, sectors, areas, awards in (
        (
            "northern-broadband:yh",
            YORKSHIRE_AND_HUMBER,
            "Northern Broadband Digital Futures Bursary (Yorkshire and Humber)",
            ["digital", "green-energy", "engineering"],
            ["HU", "YO", "DN", "LS", "BD", "HG"],
            60,
        ),
        (
            "northern-broadband:lincs",
            LINCOLNSHIRE,
            "Northern Broadband Digital Futures Bursary (Lincolnshire)",
            ["digital", "green-energy", "advanced-manufacturing"],
            ["LN", "NG", "PE", "DN"],
            40,
        ),
    ):
        s.scheme(
            key,
            fund_id,
            NORTHERN_BROADBAND,
            {
                "institute": [str(institute)],
                "sector": sectors,
                "level": ["4", "5"],
            },
            name=name,
            description="GBP 1,500 towards travel, equipment and living costs for a level 4 or "
            "5 course, for learners whose household income is at most GBP 25,000 and who face "
            "a barrier such as leaving care, caring for someone or being the first in their "
            "family to study at this level.",
            award_pence=150_000,
            max_awards=awards,
            eligibility=bursary_rule(areas),
            **window,
        )
    challenge_day = _next(s.today, 3, 12)
    for key, institute, venue, postcode, capacity, budget, day in (
        (
            "steam-challenge:yh",
            YORKSHIRE_AND_HUMBER,
            "University of Hull, Hull campus",
            "HU6 7RX",
            240,
            2_000_000,
            challenge_day,
        ),
        (
            "steam-challenge:lincs",
            LINCOLNSHIRE,
            "University of Lincoln, Brayford Pool campus",
            "LN6 7TS",
            150,
            1_500_000,
            challenge_day + timedelta(days=7),
        ),
    ):
        event_id = s.event(
            key,
            employer_id=NORTHERN_BROADBAND,
            institute_id=institute,
            fund_id=fund_id,
            kind="steam_challenge",
            title=f"STE(A)M Challenge {day.year}",
            description="A day of design-and-build challenges for Year 9 pupils: teams build a "
            "connected-home prototype with engineers from Northern Broadband and the institute's "
            "lecturers, then pitch it to a panel.",
            starts_at=datetime.combine(day, time(9, 30), UTC),
            ends_at=datetime.combine(day, time(15, 0), UTC),
            venue=venue,
            venue_postcode=postcode,
            capacity_pupils=capacity,
            year_groups_mask=mask_of([9]),
        )
        s.ledger(
            f"{key}:budget",
            fund_id,
            EntryKind.spend,
            budget,
            purpose=Purpose.outreach.value,
            event_id=event_id,
            note=f"STE(A)M Challenge {day.year}",
        )
        if key == "steam-challenge:yh":
            s.registration(
                event_id,
                "100001",
                school_name="Humber Valley Academy (demo)",
                teacher_name="Ms R. Science",
                teacher_email="science@humber-valley-academy.example",
                pupils=30,
                year_group=9,
            )
            s.registration(
                event_id,
                "100002",
                school_name="Wolds Community School (demo)",
                teacher_name="Mr J. Design",
                teacher_email="dt@wolds-community-school.example",
                pupils=24,
                year_group=9,
            )


def _equipment(s: _Seeder) -> None:
    start = academic_year_start(s.today)
    fund_id = s.fund(
        "olympus-automation:equipment",
        OLYMPUS_AUTOMATION,
        [LINCOLNSHIRE],
        name="Olympus Automation equipment pledge",
        description="Robot cells and PLC training rigs for Lincolnshire IoT's advanced "
        "manufacturing labs.",
        starts_on=start,
        ends_on=date(start.year + 2, 8, 31),
    )
    s.ledger("olympus:pledge", fund_id, EntryKind.pledge, 8_000_000, note="Equipment pledge")
    s.ledger(
        "olympus:allocate",
        fund_id,
        EntryKind.allocate,
        8_000_000,
        purpose=Purpose.equipment.value,
        note="Lab equipment",
    )
    s.ledger(
        "olympus:spend:cells",
        fund_id,
        EntryKind.spend,
        5_500_000,
        purpose=Purpose.equipment.value,
        note="Two collaborative robot cells with vision systems",
    )


def _opportunities(s: _Seeder) -> None:
    s.opportunity(
        "northern-broadband:network-placement",
        "HU1",
        90,
        employer_id=NORTHERN_BROADBAND,
        institute_id=YORKSHIRE_AND_HUMBER,
        kind="placement",
        sector="digital",
        title="Network engineering summer placement",
        description="Ten weeks with the network operations team: fibre planning, monitoring "
        "and field work. Paid; open to learners on HNC, HND and HTQ courses.",
        town="Hull",
    )
    s.opportunity(
        "northern-broadband:fibre-apprentice",
        "LN6",
        60,
        employer_id=NORTHERN_BROADBAND,
        institute_id=LINCOLNSHIRE,
        kind="vacancy",
        sector="digital",
        title="Fibre network technician apprenticeship",
        description="A level 3 apprenticeship building and maintaining full-fibre networks "
        "across Lincolnshire.",
        town="Lincoln",
    )
    s.opportunity(
        "olympus-automation:robot-cell-project",
        "NG31",
        120,
        employer_id=OLYMPUS_AUTOMATION,
        institute_id=LINCOLNSHIRE,
        kind="industry_project",
        sector="advanced-manufacturing",
        title="Commission a robot cell for a food production line",
        description="A team project for HNC Automation learners: specify, programme and test a "
        "pick-and-place cell with Olympus engineers.",
        town="Grantham",
    )
    s.opportunity(
        "northeast-battery-works:cell-work-experience",
        "SR5",
        45,
        employer_id=NORTHEAST_BATTERY_WORKS,
        institute_id=NORTH_EAST,
        kind="work_experience",
        sector="battery-electrification",
        title="Battery cell production work experience",
        description="Two weeks on the cell production line: safety, quality checks and "
        "process data.",
        town="Sunderland",
    )
    s.opportunity(
        "northeast-battery-works:process-technician",
        "B7",
        75,
        employer_id=NORTHEAST_BATTERY_WORKS,
        institute_id=GREATER_BIRMINGHAM,
        kind="vacancy",
        sector="battery-electrification",
        title="Battery process technician",
        description="Join the Birmingham pilot line as a process technician; HTQ Battery "
        "Manufacturing learners are encouraged to apply.",
        town="Birmingham",
    )
