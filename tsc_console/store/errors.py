"""Storage errors, importable without loading SQLAlchemy."""


class DatabaseLocationError(RuntimeError):
    """Raised when a SQLite database file sits where it cannot be shared safely."""
