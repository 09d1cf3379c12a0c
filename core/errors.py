"""The one error type of the platform (ADR 0013).

A service that refuses an action raises `DomainError(code, message)`: `code` is a member of the
raising app's code enum (`CaseCode`, `PaymentCode`, … in the app's `errors.py`), whose value is the
stable string programs compare and the API returns; `message` is the Chinese sentence the clerk or
citizen reads. Nobody translates one app's error into another's: a DomainError passes through every
layer unchanged, pages show its message, and the API answers it from one exception handler
(`core.api.domain_error_handler`).
"""

import enum


class DomainError(Exception):
    def __init__(self, code: enum.Enum, message: str, **details):
        if not (isinstance(code, enum.Enum) and isinstance(code, str)):
            raise TypeError(f"DomainError code must be a member of an app's code enum, not {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"DomainError({self.code.value!r}, {self.message!r})"
