"""The pure-Python loyalty engine: value objects in, value objects out (no Django, no clock).

Import from the submodules (this file holds no code on purpose):

- ``engine.values``: carts, customers, stats (inputs); quotes, hints, decisions (outputs)
- ``engine.rules``: rule objects and ``RuleSet`` (program/referral/next-purchase terms re-exported)
- ``engine.compiled``: ``compile_rules``, ``CompiledRuleSet``, ``required_stats``
- ``engine.quote``: ``quote_cart``, ``price_table``
- ``engine.tiers``: ``select_tier``, ``get_tier_progress``
- ``engine.earn``: ``calculate_order_earn``, ``calculate_event_bonus``
- ``engine.referral``, ``engine.next_purchase``, ``engine.redemption``, ``engine.money``,
  ``engine.errors``
"""
