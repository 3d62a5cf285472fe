"""The two ways a harvest goes wrong: one record, or the whole run."""


class HarvestFailed(Exception):
    """The run cannot go on (source down, broken page, OAI error). What was saved stays."""

    def __init__(self, reason: str, *, position: str = "", raw: bytes = b"") -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position
        self.raw = raw


class RecordError(Exception):
    """One record could not be used; it is recorded and the run goes on."""
