class PaymentError(Exception):
    """A refused payments action: stable `code`, Chinese `message`."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
