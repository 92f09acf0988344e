"""The Saleor adapter: everything that imports Saleor lives here (and in ``plugin.py``).

``configuration`` builds the Dashboard form from ``ProgramConfig``; ``mappers`` turn Saleor
objects into engine values; ``checkout`` writes loyalty prices and gift lines onto a checkout;
``vouchers`` owns the plugin's single-use vouchers; ``shop`` implements the shop port;
``orders`` maps order events onto the services; ``auth`` and ``webhook`` mount the plugin's
GraphQL API. Nothing outside this package (and ``plugin.py``) imports Saleor.
"""
