"""Call vocabulary: who is calling, why, and how the call ended."""

from __future__ import annotations

import enum


class CallerType(enum.StrEnum):
    MEMBER = "member"
    REPRESENTATIVE = "representative"
    """A parent, guardian, conservator, attorney-in-fact or authorized representative."""
    PROVIDER_OFFICE = "provider-office"
    CASE_WORKER = "case-worker"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CALLER_LABELS[self]


_CALLER_LABELS = {
    CallerType.MEMBER: "Member",
    CallerType.REPRESENTATIVE: "Member representative",
    CallerType.PROVIDER_OFFICE: "Provider office",
    CallerType.CASE_WORKER: "Case worker",
    CallerType.OTHER: "Someone else",
}


class CallReason(enum.StrEnum):
    FIND_DENTIST = "find-dentist"
    APPOINTMENT_HELP = "appointment-help"
    TRANSPORTATION = "transportation"
    INTERPRETER = "interpreter"
    REFERRAL_STATUS = "referral-status"
    COMPLAINT = "complaint"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class Disposition(enum.StrEnum):
    """Outcome of a call, chosen at wrap-up."""

    RESOLVED = "resolved"
    INFORMATION_GIVEN = "information-given"
    DENTISTS_GIVEN = "dentists-given"
    APPOINTMENT_BOOKED = "appointment-booked"
    REFERRED_TO_PLAN = "referred-to-plan"
    CALLBACK_SCHEDULED = "callback-scheduled"
    TRANSFERRED = "transferred"
    CALLER_DISCONNECTED = "caller-disconnected"
    VERIFICATION_FAILED = "verification-failed"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()
