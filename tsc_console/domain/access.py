"""Roles of console users and what each may do."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    REPRESENTATIVE = "representative"
    """TSC Care Coordination representative: member calls and the Care Coordination queue."""
    CASE_MANAGER = "case-manager"
    """Case Management Representative: referrals that met the criteria."""
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class AuditAction(enum.StrEnum):
    """Action recorded by an audit event. Values are stored, so never rename one."""

    CALL_STARTED = "call-started"
    CALL_ENDED = "call-ended"
    CALL_RESUMED = "call-resumed"
    SEARCH_MEMBER = "search-member"
    VIEW_MEMBER = "view-member"
    VIEW_HISTORY = "view-history"
    VERIFY_CALLER = "verify-caller"
    FAILED_VERIFY = "failed-verify"
    CREATE = "create"
    UPDATE = "update"
    DISCLOSE = "disclose"
    IMPORT_MEMBERS = "import-members"
    SEED_PROVIDERS = "seed-providers"
    ACCESS_DENIED = "access-denied"
