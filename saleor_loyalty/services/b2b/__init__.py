"""B2B: companies and their members, member spending limits, contract prices, company tiers,
volume rebates (periods, statements, rebate codes).

Import the module you need, e.g. ``from saleor_loyalty.services.b2b import companies``.
"""
