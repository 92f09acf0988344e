"""``saleor-loyalty demo``: the loyalty API on an embedded PostgreSQL, without Saleor (docs/demo.md).

``settings`` and ``urls`` make a small Django project around ``saleor_loyalty``; ``shop`` is the
in-memory shop behind the Shop port and ``events`` plays its order events through the services
the plugin calls; ``client`` calls the GraphQL API through the real view; ``cast`` seeds the
people, ``program``, ``story`` and ``shopping`` hold the steps.
"""
