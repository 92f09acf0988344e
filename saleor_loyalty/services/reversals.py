"""Moved to ``services.points`` (``reverse_bonus``, ``return_redeemed_points``).

Kept only as a re-export until ``services.referrals`` imports them from ``points``; delete then.
"""

from .points import return_redeemed_points, reverse_bonus

__all__ = ["return_redeemed_points", "reverse_bonus"]
