"""Appending audit events inside the transaction of the action they record."""

from __future__ import annotations

from sqlalchemy import Connection, insert

from tsc_console.domain.access import AuditAction
from tsc_console.services.session import Actor
from tsc_console.store.member_models import AuditEvent
from tsc_console.store.types import utc_now

audit_table = AuditEvent.__table__  # type: ignore[attr-defined]


def record_event(
    connection: Connection,
    actor: Actor,
    action: AuditAction,
    *,
    entity_type: str | None = None,
    entity_id: str | int | None = None,
    member_id: int | None = None,
    call_id: int | None = None,
    detail: str | None = None,
    outcome: str = "ok",
) -> None:
    """Append one audit event. `detail` names fields or counts, never member data values."""
    connection.execute(
        insert(audit_table).values(
            at=utc_now(),
            username=actor.username,
            role=actor.role.value,
            terminal=actor.terminal[:64],
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            member_id=member_id,
            call_id=call_id,
            detail=None if detail is None else detail[:400],
            outcome=outcome,
        )
    )
