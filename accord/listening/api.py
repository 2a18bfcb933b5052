"""Listening API."""

from ninja import Router

router: Router = Router(tags=["listening"])
