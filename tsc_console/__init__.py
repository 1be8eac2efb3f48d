"""TSC Console: call-center and case-management console for the Medi-Cal Dental TSC."""

__version__ = "0.1.0"
