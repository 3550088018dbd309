"""Errors that the CLI turns into one friendly line and a non-zero exit."""


class PcmError(Exception):
    """Base class: the message is one line that says what failed and what to do."""

    exit_code = 1


class ConfigError(PcmError):
    """The config file is missing, unreadable or does not match the schema."""


class WarehouseLockedError(PcmError):
    """Another process holds the DuckDB file and did not let go in time."""


class QueryError(PcmError):
    """An analyst query failed or was refused."""


class RunLockedError(PcmError):
    """Another `pcm run` holds the run lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class WarehouseFileError(PcmError):
    """The warehouse path is a folder, unreadable, not a DuckDB file, truncated or damaged."""


class UsageError(PcmError):
    """A command-line value is out of range or names something that cannot be used."""


class ModelMissingError(PcmError):
    """The trained model folder is missing, incomplete or inconsistent."""
