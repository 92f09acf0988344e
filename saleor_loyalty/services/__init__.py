"""Use cases: the one door the adapters (plugin hooks, GraphQL, tasks, commands) use.

Import the module you need, e.g. ``from saleor_loyalty.services import points``.
"""
