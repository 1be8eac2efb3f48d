"""Member vocabulary: delivery systems, representatives' authority, special health care needs."""

from __future__ import annotations

import enum


class DeliverySystem(enum.StrEnum):
    """Delivery system through which the member receives Medi-Cal Dental services."""

    FEE_FOR_SERVICE = "ffs"
    DENTAL_MANAGED_CARE_SACRAMENTO = "dmc-sacramento"
    DENTAL_MANAGED_CARE_LOS_ANGELES = "dmc-los-angeles"
    HEALTH_PLAN_OF_SAN_MATEO = "hpsm"

    @property
    def label(self) -> str:
        return _DELIVERY_LABELS[self]

    @property
    def is_managed_care(self) -> bool:
        """True when a dental plan, not the TSC, coordinates the member's care."""
        return self is not DeliverySystem.FEE_FOR_SERVICE


_DELIVERY_LABELS = {
    DeliverySystem.FEE_FOR_SERVICE: "Fee-for-service",
    DeliverySystem.DENTAL_MANAGED_CARE_SACRAMENTO: "Dental managed care (Sacramento)",
    DeliverySystem.DENTAL_MANAGED_CARE_LOS_ANGELES: "Dental managed care (Los Angeles)",
    DeliverySystem.HEALTH_PLAN_OF_SAN_MATEO: "Health Plan of San Mateo",
}


class AuthorityBasis(enum.StrEnum):
    """Legal basis on which a member representative may act for the member."""

    PARENT_OF_MINOR = "parent-of-minor"
    GUARDIAN = "guardian"
    CONSERVATOR = "conservator"
    POWER_OF_ATTORNEY = "power-of-attorney"
    AUTHORIZED_REPRESENTATIVE = "authorized-representative"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class PhoneType(enum.StrEnum):
    HOME = "home"
    MOBILE = "mobile"
    WORK = "work"
    TTY = "tty"
    OTHER = "other"


class SpecialNeed(enum.StrEnum):
    """Categories of special health care needs."""

    PHYSICAL = "physical"
    DEVELOPMENTAL = "developmental"
    MENTAL = "mental"
    SENSORY = "sensory"
    BEHAVIORAL = "behavioral"
    COGNITIVE = "cognitive"
    EMOTIONAL = "emotional"

    @property
    def label(self) -> str:
        return self.value.capitalize()
