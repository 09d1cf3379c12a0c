"""REST API of payments (/api/v1/payments/...)."""

from ninja import Router

router = Router(tags=["资金与发放"])
