class LedgerError(Exception):
    """A refused ledger action: stable `code`, Chinese `message`."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
