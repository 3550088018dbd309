"""Public Confidence Monitor: the CLI, configuration and the nightly job."""

__version__ = "0.1.0"
