"""The command line: ``partnerships seed`` and ``partnerships sweep`` against the configured
database (``PARTNERSHIPS_DATABASE_URL``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from partnerships.cli import app
from partnerships.demo import demo_id
from partnerships.models import Reservation, metadata
from partnerships.vocab import ReservationStatus
from servicekit.db import new_id, sync_url, utcnow
from servicekit.testing.databases import delete_all_rows


def test_seed_and_sweep_commands(database_url: str):
    runner = CliRunner()
    env = {"PARTNERSHIPS_DATABASE_URL": database_url}
    try:
        seeded = runner.invoke(app, ["seed"], env=env)
        assert seeded.exit_code == 0, seeded.output
        assert "3 employers" in seeded.output
        assert "5 partnerships" in seeded.output

        scheme_id = demo_id("scheme", "northern-broadband:yh")
        engine = create_engine(sync_url(database_url))
        with Session(engine) as session, session.begin():
            session.add(
                Reservation(
                    id=new_id(),
                    scheme_id=scheme_id,
                    fund_id=demo_id("fund", "northern-broadband:skills-fund"),
                    key="abandoned-saga",
                    status=ReservationStatus.held,
                    amount_pence=150_000,
                    reserved_by="client:svc-applications",
                    expires_at=utcnow() + timedelta(minutes=15),
                )
            )
        swept = runner.invoke(app, ["sweep"], env=env)
        assert swept.exit_code == 0, swept.output
        assert "released 0 expired" in swept.output
        with Session(engine) as session, session.begin():
            session.execute(update(Reservation).values(expires_at=utcnow() - timedelta(seconds=1)))
        swept = runner.invoke(app, ["sweep"], env=env)
        assert "released 1 expired" in swept.output
        with Session(engine) as session:
            status = session.execute(select(Reservation.status)).scalar_one()
        assert status == ReservationStatus.expired
        engine.dispose()
    finally:
        delete_all_rows(database_url, metadata)
