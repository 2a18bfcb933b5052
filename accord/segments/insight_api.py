"""``GET /segments/{slug}/best-channel``: the channel to reach a segment's members by.

Own router: the API root adds it with ``api.add_router("/", insight_router)``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from accord.accounts.roles import Perm
from accord.api import access_of
from accord.segments import queries
from accord.segments.channels import channel_recommendation

router: Router = Router(tags=["segments"])


class EstimateOut(Schema):
    successes: int
    trials: int
    raw: float | None
    workspace_rate: float
    estimate: float
    low: float
    high: float


class ChannelOut(Schema):
    channel: str
    reached: int
    engagement: EstimateOut
    conversion: EstimateOut


class BestChannelOut(Schema):
    members: int
    best: str | None
    prior_weight: float
    interval: float
    channels: list[ChannelOut]


@router.get(
    "/segments/{slug}/best-channel",
    response=BestChannelOut,
    summary="The best channel to reach a segment",
)
def get_best_channel(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Engagement and conversion per channel for the segment's current members, best first.

    Each rate is shrunk toward the workspace's rate on the channel (beta-binomial, prior weight
    ``prior_weight`` members); ``low``/``high`` bound its 90% interval; ``raw`` is None when no
    member was reached. ``best`` is None when no member was reached on any channel.
    """
    access = access_of(request)
    access.require(Perm.CONTACTS_VIEW)
    segment = queries.get_segment(access.workspace, slug)
    advice = channel_recommendation(access.workspace, queries.member_ids(segment))
    return advice.as_json()
