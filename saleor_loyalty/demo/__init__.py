"""``saleor-loyalty demo``: the loyalty API on an embedded PostgreSQL, without Saleor.

``settings`` and ``urls`` make a small Django project around ``saleor_loyalty``; ``client``
calls the GraphQL API through the real view; ``story`` seeds a cast and plays the steps.
"""
