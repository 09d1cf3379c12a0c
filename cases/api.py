from ninja import Router

router = Router(tags=["一门受理"])
