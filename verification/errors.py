"""Errors of verification as stable codes with Chinese messages (callers compare the code, never the message)."""


class VerificationError(Exception):
    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message
