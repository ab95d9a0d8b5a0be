from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlmodel import col

from identity.client import service
from identity.client.schemas import ClientCreate, ClientCreated, ClientRead
from identity.deps import NetworkAdmin
from identity.models import ApiClient, Organisation
from servicekit.db import SessionDep
from servicekit.errors import Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, paginate

router = APIRouter(prefix="/v1")
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Unprocessable.schema_response(),
}


@router.post(
    "/clients",
    tags=["clients"],
    summary="Register an API client for an organisation (network admins)",
    description="Scopes: `catalogue:read`, `applications:read`, `applications:write`, "
    "`webhooks:manage`. The secret is answered once and only its digest is kept. The "
    "`internal` scope is only for platform services (`identity create-service-client`).",
    status_code=201,
    responses=ERRORS,
)
async def create_client(
    session: SessionDep, admin: NetworkAdmin, body: ClientCreate
) -> ClientCreated:
    if await session.get(Organisation, body.organisation_id) is None:
        raise Unprocessable.for_field(
            "body.organisation_id", f"No organisation with id {body.organisation_id}.", "not_found"
        )
    client, secret = await service.create_client(
        session,
        name=body.name,
        kind="api",
        scopes=list(body.scopes),
        organisation_id=body.organisation_id,
        created_by=admin.user.id,
    )
    read = await service.read(session, client)
    return ClientCreated(**read.model_dump(), client_secret=secret)


@router.get(
    "/clients",
    tags=["clients"],
    summary="List API and service clients (network admins)",
    response_model=Page[ClientRead],
    responses=ERRORS,
)
async def list_clients(
    session: SessionDep, _admin: NetworkAdmin, paging: Paging
) -> Page[ClientRead]:
    stmt = select(ApiClient).order_by(col(ApiClient.created_at), col(ApiClient.id))
    rows, total = await paginate(session, stmt, paging)
    items = [await service.read(session, c) for c in rows]
    return Page(items=items, total=total, limit=paging.limit, offset=paging.offset)


@router.delete(
    "/clients/{client_id}",
    tags=["clients"],
    summary="Disable a client: its secret stops working at once",
    status_code=204,
    responses=ERRORS,
)
async def disable_client(session: SessionDep, _admin: NetworkAdmin, client_id: str) -> Response:
    client = (
        await session.execute(select(ApiClient).where(col(ApiClient.client_id) == client_id[:64]))
    ).scalar_one_or_none()
    if client is None:
        raise NotFound(f"No client {client_id[:64]}.")
    client.status = "disabled"
    return Response(status_code=204)
