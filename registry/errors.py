"""Registry errors: a stable code for programs, a Chinese message for people."""


class RegistryError(Exception):
    def __init__(self, code: str, message: str, **context):
        super().__init__(message)
        self.code = code
        self.message = message
        self.context = context
