"""Monitoring errors as stable codes with Chinese messages."""


class MonitoringError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
