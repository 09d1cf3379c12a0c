from ninja import Router

router = Router(tags=["居民户籍库"])
