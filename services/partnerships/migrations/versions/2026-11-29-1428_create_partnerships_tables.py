"""create partnerships tables: employers, partnerships, funds and their ledger, bursary schemes,
reservations, outreach events, school registrations and opportunities

Revision ID: 2f9c933d8abb
Revises:
Create Date: 2026-11-29 14:28:46.870547+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "2f9c933d8abb"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "employer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("companies_house_number", sa.String(length=8), nullable=False),
        sa.Column("sector", sa.String(length=120), nullable=False),
        sa.Column("size_band", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=40), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("signed_up_by", sa.Uuid(), nullable=True),
        sa.Column("signup_key", sa.String(length=200), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_employer")),
        sa.UniqueConstraint(
            "companies_house_number", name=op.f("uq_employer_companies_house_number")
        ),
        sa.UniqueConstraint("signed_up_by", name=op.f("uq_employer_signed_up_by")),
    )
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_employer_status"), ["status"], unique=False)

    op.create_table(
        "fund",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_fund_dates")),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_fund_employer_id_employer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fund")),
        sa.UniqueConstraint("employer_id", "idempotency_key", name=op.f("uq_fund_employer_id")),
    )
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fund_employer_id"), ["employer_id"], unique=False)

    op.create_table(
        "opportunity",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("sector", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("town", sa.String(length=120), nullable=False),
        sa.Column("postcode_district", sa.String(length=4), nullable=False),
        sa.Column("postcode_area", sa.String(length=2), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_opportunity_employer_id_employer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunity")),
    )
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opportunity_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunity_institute_id"), ["institute_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunity_postcode_area"), ["postcode_area"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opportunity_postcode_district"), ["postcode_district"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_opportunity_sector"), ["sector"], unique=False)
        batch_op.create_index("ix_opportunity_status_closes", ["status", "closes_on"], unique=False)

    op.create_table(
        "partnership",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("contacts", sa.JSON(), nullable=False),
        sa.Column("proposed_by", sa.String(length=200), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_by", sa.String(length=200), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
            name=op.f("ck_partnership_dates"),
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_partnership_employer_id_employer"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
    )
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partnership_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(
            "ix_partnership_institute_status", ["institute_id", "status"], unique=False
        )

    op.create_table(
        "bursary_scheme",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("award_pence", sa.BigInteger(), nullable=False),
        sa.Column("max_awards", sa.Integer(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("award_pence > 0", name=op.f("ck_bursary_scheme_award_positive")),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_bursary_scheme_window")),
        sa.CheckConstraint("max_awards > 0", name=op.f("ck_bursary_scheme_max_awards_positive")),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_bursary_scheme_employer_id_employer"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"],
            ["fund.id"],
            name=op.f("fk_bursary_scheme_fund_id_fund"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bursary_scheme")),
        sa.UniqueConstraint("fund_id", "idempotency_key", name=op.f("uq_bursary_scheme_fund_id")),
    )
    with op.batch_alter_table("bursary_scheme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bursary_scheme_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_bursary_scheme_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bursary_scheme_status"), ["status"], unique=False)

    op.create_table(
        "fund_institute",
        sa.Column("fund_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["fund_id"],
            ["fund.id"],
            name=op.f("fk_fund_institute_fund_id_fund"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fund_id", "institute_id", name=op.f("pk_fund_institute")),
    )
    with op.batch_alter_table("fund_institute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fund_institute_institute_id"), ["institute_id"], unique=False
        )

    op.create_table(
        "outreach_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("employer_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=False),
        sa.Column("fund_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("venue_postcode", sa.String(length=8), nullable=False),
        sa.Column("capacity_pupils", sa.Integer(), nullable=False),
        sa.Column("year_groups_mask", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity_pupils > 0", name=op.f("ck_outreach_event_capacity_positive")),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_outreach_event_times")),
        sa.CheckConstraint(
            "year_groups_mask > 0", name=op.f("ck_outreach_event_year_groups_given")
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
            name=op.f("fk_outreach_event_employer_id_employer"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"],
            ["fund.id"],
            name=op.f("fk_outreach_event_fund_id_fund"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_event")),
    )
    with op.batch_alter_table("outreach_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outreach_event_employer_id"), ["employer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outreach_event_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outreach_event_institute_id"), ["institute_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_outreach_event_starts_at"), ["starts_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outreach_event_status"), ["status"], unique=False)

    op.create_table(
        "reservation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("fund_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=True),
        sa.Column("institute_id", sa.Uuid(), nullable=True),
        sa.Column("sector", sa.String(length=120), nullable=True),
        sa.Column("reserved_by", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_reservation_amount_positive")),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_reservation_fund_id_fund"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["bursary_scheme.id"],
            name=op.f("fk_reservation_scheme_id_bursary_scheme"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservation")),
        sa.UniqueConstraint("scheme_id", "key", name=op.f("uq_reservation_scheme_id")),
    )
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reservation_fund_id"), ["fund_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reservation_scheme_id"), ["scheme_id"], unique=False)
        batch_op.create_index(
            "ix_reservation_status_expires", ["status", "expires_at"], unique=False
        )

    op.create_table(
        "scheme_target",
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["bursary_scheme.id"],
            name=op.f("fk_scheme_target_scheme_id_bursary_scheme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scheme_id", "kind", "value", name=op.f("pk_scheme_target")),
    )
    with op.batch_alter_table("scheme_target", schema=None) as batch_op:
        batch_op.create_index("ix_scheme_target_kind_value", ["kind", "value"], unique=False)

    op.create_table(
        "school_registration",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("school_name", sa.String(length=200), nullable=False),
        sa.Column("urn", sa.String(length=6), nullable=False),
        sa.Column("teacher_name", sa.String(length=200), nullable=False),
        sa.Column("teacher_email", sa.String(length=254), nullable=False),
        sa.Column("teacher_phone", sa.String(length=30), nullable=True),
        sa.Column("pupils", sa.Integer(), nullable=False),
        sa.Column("year_group", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("pupils > 0", name=op.f("ck_school_registration_pupils_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outreach_event.id"],
            name=op.f("fk_school_registration_event_id_outreach_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_registration")),
        sa.UniqueConstraint("event_id", "urn", name=op.f("uq_school_registration_event_id")),
    )
    with op.batch_alter_table("school_registration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_registration_event_id"), ["event_id"], unique=False
        )

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fund_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("amount_pence", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=True),
        sa.Column("scheme_id", sa.Uuid(), nullable=True),
        sa.Column("reservation_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('pledge', 'allocate', 'assign', 'reserve', 'award', 'release', 'spend')",
            name=op.f("ck_ledger_entry_kind_known"),
        ),
        sa.CheckConstraint("amount_pence > 0", name=op.f("ck_ledger_entry_amount_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outreach_event.id"],
            name=op.f("fk_ledger_entry_event_id_outreach_event"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["fund_id"], ["fund.id"], name=op.f("fk_ledger_entry_fund_id_fund"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reservation_id"],
            ["reservation.id"],
            name=op.f("fk_ledger_entry_reservation_id_reservation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["bursary_scheme.id"],
            name=op.f("fk_ledger_entry_scheme_id_bursary_scheme"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("fund_id", "idempotency_key", name=op.f("uq_ledger_entry_fund_id")),
    )
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_entry_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "ix_ledger_entry_fund_created", ["fund_id", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entry_reservation_id"), ["reservation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entry_scheme_id"), ["scheme_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entry_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entry_reservation_id"))
        batch_op.drop_index("ix_ledger_entry_fund_created")
        batch_op.drop_index(batch_op.f("ix_ledger_entry_event_id"))

    op.drop_table("ledger_entry")
    with op.batch_alter_table("school_registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_registration_event_id"))

    op.drop_table("school_registration")
    with op.batch_alter_table("scheme_target", schema=None) as batch_op:
        batch_op.drop_index("ix_scheme_target_kind_value")

    op.drop_table("scheme_target")
    with op.batch_alter_table("reservation", schema=None) as batch_op:
        batch_op.drop_index("ix_reservation_status_expires")
        batch_op.drop_index(batch_op.f("ix_reservation_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_reservation_fund_id"))

    op.drop_table("reservation")
    with op.batch_alter_table("outreach_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_event_status"))
        batch_op.drop_index(batch_op.f("ix_outreach_event_starts_at"))
        batch_op.drop_index(batch_op.f("ix_outreach_event_institute_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_event_fund_id"))
        batch_op.drop_index(batch_op.f("ix_outreach_event_employer_id"))

    op.drop_table("outreach_event")
    with op.batch_alter_table("fund_institute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_institute_institute_id"))

    op.drop_table("fund_institute")
    with op.batch_alter_table("bursary_scheme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bursary_scheme_status"))
        batch_op.drop_index(batch_op.f("ix_bursary_scheme_fund_id"))
        batch_op.drop_index(batch_op.f("ix_bursary_scheme_employer_id"))

    op.drop_table("bursary_scheme")
    with op.batch_alter_table("partnership", schema=None) as batch_op:
        batch_op.drop_index("ix_partnership_institute_status")
        batch_op.drop_index(batch_op.f("ix_partnership_employer_id"))

    op.drop_table("partnership")
    with op.batch_alter_table("opportunity", schema=None) as batch_op:
        batch_op.drop_index("ix_opportunity_status_closes")
        batch_op.drop_index(batch_op.f("ix_opportunity_sector"))
        batch_op.drop_index(batch_op.f("ix_opportunity_postcode_district"))
        batch_op.drop_index(batch_op.f("ix_opportunity_postcode_area"))
        batch_op.drop_index(batch_op.f("ix_opportunity_institute_id"))
        batch_op.drop_index(batch_op.f("ix_opportunity_employer_id"))

    op.drop_table("opportunity")
    with op.batch_alter_table("fund", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fund_employer_id"))

    op.drop_table("fund")
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_status"))
        batch_op.drop_index(batch_op.f("ix_employer_name"))

    op.drop_table("employer")
