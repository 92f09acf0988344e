"""``loyaltyViewer``: lets a client check which identity and permissions its token carries."""

from __future__ import annotations

from typing import Any

import graphene

from ..auth import Requestor
from ..core.context import get_requestor
from ..types.viewer import LoyaltyViewer


class ViewerQueries(graphene.ObjectType):
    loyalty_viewer = graphene.Field(
        LoyaltyViewer,
        required=True,
        description="The caller as the loyalty API sees it; works without a token too.",
    )

    @staticmethod
    def resolve_loyalty_viewer(_root: Any, info: Any) -> Requestor:
        return get_requestor(info)
