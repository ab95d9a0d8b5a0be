"""Create the applications tables: profiles, intakes, applications and their history, bursary
applications, and the change counter of the changes feed.

Revision ID: dcb59d40efbd
Revises:
Create Date: 2026-11-29 15:48:02.903838+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "dcb59d40efbd"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.create_table(
        "intake",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("application_deadline", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake")),
    )
    op.create_table(
        "learner_profile",
        sa.Column("learner_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("address", sa.String(length=1000), nullable=True),
        sa.Column("home_postcode", sa.String(length=10), nullable=True),
        sa.Column("household_income_band", sa.String(length=20), nullable=True),
        sa.Column("care_leaver", sa.Boolean(), nullable=True),
        sa.Column("first_in_family", sa.Boolean(), nullable=True),
        sa.Column("young_carer", sa.Boolean(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=True),
        sa.Column("estranged", sa.Boolean(), nullable=True),
        sa.Column("free_school_meals", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("learner_id", name=op.f("pk_learner_profile")),
    )
    op.create_table(
        "application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("learner_id", sa.Uuid(), nullable=True),
        sa.Column("intake_id", sa.Uuid(), nullable=False),
        sa.Column("active_intake_id", sa.Uuid(), nullable=True),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=False),
        sa.Column("course_title", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("personal_statement", sa.Text(), nullable=False),
        sa.Column("offer_type", sa.String(length=20), nullable=True),
        sa.Column("offer_conditions", sa.String(length=2000), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intake_id"],
            ["intake.id"],
            name=op.f("fk_application_intake_id_intake"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("change_seq", name=op.f("uq_application_change_seq")),
        sa.UniqueConstraint("learner_id", "active_intake_id", name="uq_application_one_active"),
        sa.UniqueConstraint("learner_id", "idempotency_key", name="uq_application_idempotency"),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_course_id"), ["course_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_application_institute_id"), ["institute_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_application_intake_id"), ["intake_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_application_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(
            "ix_application_provider_status", ["provider_id", "status"], unique=False
        )

    op.create_table(
        "bursary_application",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("learner_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("institute_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("scheme_name", sa.String(length=200), nullable=False),
        sa.Column("scheme_award_pence", sa.BigInteger(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("failed_rules", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decision_reason", sa.String(length=1000), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("award_state", sa.String(length=20), nullable=True),
        sa.Column("award_attempt", sa.Integer(), nullable=False),
        sa.Column("reservation_id", sa.Uuid(), nullable=True),
        sa.Column("awarded_pence", sa.BigInteger(), nullable=True),
        sa.Column("award_requested_by", sa.String(length=200), nullable=True),
        sa.Column("award_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "award_attempt >= 0", name=op.f("ck_bursary_application_award_attempt_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_bursary_application_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bursary_application")),
        sa.UniqueConstraint("application_id", "scheme_id", name="uq_bursary_application_scheme"),
        sa.UniqueConstraint("learner_id", "idempotency_key", name="uq_bursary_idempotency"),
    )
    with op.batch_alter_table("bursary_application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_bursary_application_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            "ix_bursary_application_award_state", ["award_state", "award_updated_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bursary_application_learner_id"), ["learner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bursary_application_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_bursary_application_scheme_id"), ["scheme_id"], unique=False
        )

    op.create_table(
        "status_change",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=True),
        sa.Column("reason", sa.String(length=1000), nullable=True),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_status_change_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_change")),
        sa.UniqueConstraint(
            "application_id", "idempotency_key", name="uq_status_change_idempotency"
        ),
    )
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_change_application_id"), ["application_id"], unique=False
        )



def downgrade() -> None:
    with op.batch_alter_table("status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_change_application_id"))

    op.drop_table("status_change")
    with op.batch_alter_table("bursary_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bursary_application_scheme_id"))
        batch_op.drop_index(batch_op.f("ix_bursary_application_provider_id"))
        batch_op.drop_index(batch_op.f("ix_bursary_application_learner_id"))
        batch_op.drop_index("ix_bursary_application_award_state")
        batch_op.drop_index(batch_op.f("ix_bursary_application_application_id"))

    op.drop_table("bursary_application")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_provider_status")
        batch_op.drop_index(batch_op.f("ix_application_learner_id"))
        batch_op.drop_index(batch_op.f("ix_application_intake_id"))
        batch_op.drop_index(batch_op.f("ix_application_institute_id"))
        batch_op.drop_index(batch_op.f("ix_application_course_id"))

    op.drop_table("application")
    op.drop_table("learner_profile")
    op.drop_table("intake")
    op.drop_table("change_counter")
