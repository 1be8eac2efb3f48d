"""Service errors, importable without loading SQLAlchemy (the CLI and console start faster)."""


class DatabaseNotReadyError(RuntimeError):
    """Raised when the database has not been created or needs migrating."""
