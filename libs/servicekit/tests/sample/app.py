from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, ClassVar

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import String, select
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from servicekit.app import create_app
from servicekit.auth import CurrentPrincipal, Principal, require
from servicekit.db import SessionDep, UTCDateTime, new_id, new_registry, utcnow
from servicekit.errors import Conflict, NotFound
from servicekit.paging import Page, Paging, fetch_page
from servicekit.settings import ServiceSettings, service_config

ROOT = Path(__file__).parent


class Base(SQLModel, registry=new_registry()):
    pass


metadata = Base.metadata


class Thing(Base, table=True):
    id: uuid.UUID = SQLField(default_factory=new_id, primary_key=True)
    name: str = SQLField(sa_type=String(50), unique=True, nullable=False)
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ThingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=50)
    count: int = Field(default=1, ge=0)


class ThingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    name: str
    created_at: datetime


class Settings(ServiceSettings):
    service_name: ClassVar[str] = "sample"
    model_config = service_config("SAMPLE_")


router = APIRouter(prefix="/v1", tags=["things"])


@router.get("/things")
async def list_things(session: SessionDep, paging: Paging) -> Page[ThingOut]:
    return await fetch_page(
        session, select(Thing).order_by(Thing.name), paging, ThingOut.model_validate
    )  # type: ignore[arg-type]


@router.post("/things", status_code=201)
async def create_thing(session: SessionDep, body: ThingIn) -> ThingOut:
    if (await session.execute(select(Thing).where(Thing.name == body.name))).first():  # type: ignore[arg-type]
        raise Conflict(f"A thing called {body.name} exists.")
    thing = Thing(name=body.name)
    session.add(thing)
    await session.flush()
    return ThingOut.model_validate(thing)


@router.post("/things-unchecked", status_code=201)
async def create_thing_unchecked(session: SessionDep, body: ThingIn) -> ThingOut:
    """Relies on the database's unique constraint: the race-condition backstop answers 409."""
    thing = Thing(name=body.name)
    session.add(thing)
    await session.flush()
    return ThingOut.model_validate(thing)


@router.get("/things/{thing_id}")
async def get_thing(session: SessionDep, thing_id: uuid.UUID) -> ThingOut:
    thing = await session.get(Thing, thing_id)
    if thing is None:
        raise NotFound(f"No thing {thing_id}.")
    return ThingOut.model_validate(thing)


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals: password=hunter2")


@router.get("/me")
async def me(principal: CurrentPrincipal) -> dict[str, object]:
    return {
        "sub": principal.subject,
        "roles": sorted(principal.roles),
        "scopes": sorted(principal.scopes),
    }


@router.get("/admin-only")
async def admin_only(
    principal: Annotated[Principal, Depends(require(roles=["network_admin"], scopes=["internal"]))],
) -> dict[str, str]:
    return {"sub": principal.subject}


def build(settings: Settings):  # type: ignore[no-untyped-def]
    return create_app(
        settings=settings,
        title="sample",
        description="sample service",
        version="0",
        service_root=ROOT,
        routers=[router],
    )
