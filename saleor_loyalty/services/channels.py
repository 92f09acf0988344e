"""Channels: the shop's, checked where a query takes a channel slug."""

from __future__ import annotations

from ..exceptions import ChannelNotFound, ShopNotConfigured
from ..shop import get_shop


def check_channel(slug: str) -> None:
    """Raise ``ChannelNotFound`` when the shop knows its channels and ``slug`` is not one of them.

    Without a registered shop, or with one that cannot list channels (``channel_exists`` is
    optional on the port), every slug is taken as given.
    """
    try:
        shop = get_shop()
    except ShopNotConfigured:
        return
    exists = getattr(shop, "channel_exists", None)
    if exists is not None and not exists(slug):
        raise ChannelNotFound(f"no channel {slug!r}", field="channel")
