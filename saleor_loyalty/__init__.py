"""Loyalty for Saleor: tier prices, points ledger, free products, referrals and VIP tiers.

Layers (see docs/architecture.md): ``engine`` (pure Python) -> ``ledger`` and ``services``
(Django models) -> adapters (``plugin``/``saleor``, ``graphql``, ``tasks``).
"""
