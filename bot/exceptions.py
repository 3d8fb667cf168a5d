"""Every exception the service raises on purpose."""


class TambonError(Exception):
    """Base class."""


class ConfigError(TambonError):
    """Configuration (environment or offices file) is wrong; the message names what."""


class LineTransientError(TambonError):
    """LINE answered 429 or 5xx, or could not be reached: the job retries later, no sooner
    than LINE's Retry-After when it sent one."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class LineRejectedError(TambonError):
    """LINE refused our request for good (4xx other than 429): retrying cannot help."""
