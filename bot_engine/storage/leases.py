"""Work shared by several workers on one database: who is alive, whose calls are whose, and
named leases for singleton work.

- `workers`: each `voicebot serve` process keeps a row fresh (`heartbeat`). A row older
  than the lease is a dead worker: exactly one survivor takes it (`take_dead`, `FOR UPDATE
  SKIP LOCKED` on PostgreSQL) and deletes it.
- `calls.worker_id`: the worker that places or runs a call. A call whose worker is gone
  (no row) is an orphan; `adopt_orphans` moves it to the caller in one UPDATE per call
  that re-checks the condition, so two survivors never both take it.
- `leases`: `acquire(name)` succeeds for one worker until `expires_at`.

On SQLite (one worker) the same statements run; `FOR UPDATE` is simply not emitted and
the write transaction is exclusive anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot_engine.storage.campaign_models import CampaignLead
from bot_engine.storage.models import Call, Lease, Worker

ACTIVE = ("ringing", "in_progress")
ADOPT_BATCH = 200


@dataclass(frozen=True)
class Orphans:
    """Calls just adopted: those in progress end with a result (crash recovery), queued
    ones are placed."""

    active: list[str]
    queued: list[str]


async def register(
    session: AsyncSession,
    worker_id: str,
    *,
    address: str,
    http_port: int | None,
    sip_port: int | None,
    now: datetime,
) -> None:
    """(Re)write this worker's row: a worker restarting in place keeps its id."""
    await session.execute(delete(Worker).where(Worker.id == worker_id))
    session.add(
        Worker(
            id=worker_id,
            address=address,
            http_port=http_port,
            sip_port=sip_port,
            active_calls=0,
            draining=False,
            started_at=now,
            heartbeat_at=now,
        )
    )
    await session.flush()


async def heartbeat(
    session: AsyncSession,
    worker_id: str,
    *,
    draining: bool,
    now: datetime,
    sip_port: int | None = None,
) -> int | None:
    """Refresh the row; returns this worker's active calls, or None when the row is gone
    (another worker found us dead: the caller registers again)."""
    active = await active_calls(session, worker_id)
    result = await session.execute(
        update(Worker)
        .where(Worker.id == worker_id)
        .values(heartbeat_at=now, active_calls=active, draining=draining, sip_port=sip_port)
        .execution_options(synchronize_session=False)
    )
    return active if getattr(result, "rowcount", 0) == 1 else None


async def active_calls(session: AsyncSession, worker_id: str) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Call)
        .where(Call.worker_id == worker_id, Call.status.in_(ACTIVE))
    )
    return int(count or 0)


async def taking_calls(session: AsyncSession, now: datetime, lease_s: float) -> int:
    """Workers alive and not draining."""
    count = await session.scalar(
        select(func.count())
        .select_from(Worker)
        .where(Worker.heartbeat_at >= now - timedelta(seconds=lease_s), Worker.draining.is_(False))
    )
    return int(count or 0)


async def campaign_calls_here(session: AsyncSession, campaign_id: str, worker_id: str) -> int:
    """The campaign's calls this worker holds (leads being called)."""
    count = await session.scalar(
        select(func.count())
        .select_from(CampaignLead)
        .join(Call, Call.id == CampaignLead.call_id)
        .where(
            CampaignLead.campaign_id == campaign_id,
            CampaignLead.state == "calling",
            Call.worker_id == worker_id,
        )
    )
    return int(count or 0)


async def remove(session: AsyncSession, worker_id: str) -> None:
    await session.execute(delete(Worker).where(Worker.id == worker_id))


async def release_queued(session: AsyncSession, worker_id: str) -> int:
    """A draining worker hands its calls not yet placed to whoever adopts them."""
    result = await session.execute(
        update(Call)
        .where(Call.worker_id == worker_id, Call.status == "queued")
        .values(worker_id=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def list_workers(session: AsyncSession) -> list[Worker]:
    return list(await session.scalars(select(Worker).order_by(Worker.id)))


async def take_dead(
    session: AsyncSession, now: datetime, lease_s: float, *, all_but: str | None = None
) -> list[str]:
    """Delete the rows of workers whose heartbeat is older than `lease_s` (with `all_but`:
    every row but that one, for a single-worker database) and return their ids. Rows
    another worker is taking right now are skipped."""
    query = select(Worker.id)
    if all_but is not None:
        query = query.where(Worker.id != all_but)
    else:
        query = query.where(Worker.heartbeat_at < now - timedelta(seconds=lease_s))
    dead = list(await session.scalars(query.with_for_update(skip_locked=True)))
    if dead:
        await session.execute(delete(Worker).where(Worker.id.in_(dead)))
    return dead


async def disown(session: AsyncSession, worker_id: str) -> None:
    """At start-up, before registering: the calls a previous run of this worker left
    unfinished become orphans, which the first sweep then takes back."""
    await session.execute(
        update(Call)
        .where(Call.worker_id == worker_id, Call.status.in_((*ACTIVE, "queued")))
        .values(worker_id=None)
        .execution_options(synchronize_session=False)
    )


async def adopt_orphans(
    session: AsyncSession, worker_id: str, *, queued: bool = True
) -> Orphans:
    """Take the unfinished calls whose worker is gone (or that nobody owns); `queued`
    False leaves calls not yet placed to others (a draining worker)."""
    alive = select(Worker.id)
    orphaned = or_(Call.worker_id.is_(None), Call.worker_id.not_in(alive))
    unfinished = Call.status.in_((*ACTIVE, "queued") if queued else ACTIVE)
    rows = (
        await session.execute(
            select(Call.id, Call.status)
            .where(unfinished, orphaned)
            .order_by(Call.created_at)
            .limit(ADOPT_BATCH)
            .with_for_update(skip_locked=True)
        )
    ).all()
    active: list[str] = []
    waiting: list[str] = []
    for call_id, status in rows:
        taken = await session.execute(
            update(Call)
            .where(Call.id == call_id, unfinished, orphaned)
            .values(worker_id=worker_id)
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) == 1:
            (waiting if status == "queued" else active).append(call_id)
    return Orphans(active=active, queued=waiting)


async def acquire(
    session: AsyncSession, name: str, owner: str, lease_s: float, now: datetime
) -> bool:
    """Hold `name` for `lease_s` (renewing it when we hold it already); False when another
    worker holds a lease that has not run out."""
    until = now + timedelta(seconds=lease_s)
    taken = await session.execute(
        update(Lease)
        .where(Lease.name == name, or_(Lease.owner == owner, Lease.expires_at < now))
        .values(owner=owner, expires_at=until)
        .execution_options(synchronize_session=False)
    )
    if getattr(taken, "rowcount", 0) == 1:
        return True
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = await session.execute(
        insert(Lease)
        .values(name=name, owner=owner, expires_at=until)
        .on_conflict_do_nothing(index_elements=["name"])
        .execution_options(synchronize_session=False)
    )
    return getattr(created, "rowcount", 0) == 1


async def release(session: AsyncSession, name: str, owner: str) -> None:
    await session.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))
