"""Segments API."""

from ninja import Router

router: Router = Router(tags=["segments"])
