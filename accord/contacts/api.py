"""Contacts API (placeholder router, filled in by the contacts API work)."""

from ninja import Router

router = Router(tags=["contacts"])
