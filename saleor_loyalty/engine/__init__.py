"""The pure-Python loyalty engine: value objects in, value objects out (no Django, no clock).

Import from the submodules: ``engine.values`` (carts, customers, quotes), ``engine.rules``
(rule objects), ``engine.compiled`` (``compile_rules``), ``engine.quote`` (``quote_cart``,
``price_table``), ``engine.tiers``, ``engine.referral``, ``engine.next_purchase``.
"""
