"""Crisis API."""

from ninja import Router

router: Router = Router(tags=["crisis"])
