"""Errors of verification as stable codes with Chinese messages (STYLE.md: never compare strings)."""


class VerificationError(Exception):
    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message
