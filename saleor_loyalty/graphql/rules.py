"""The staff part of the API that manages the program's rules: tiers, price lists with their
entries and breaks, gift rules, earn rules and referral settings, and price-list CSV import.

``schema.py`` spreads ``RULE_QUERIES`` and ``RULE_MUTATIONS`` into the schema; operations are
added here, each in its own ``queries/`` or ``mutations/`` module.
"""

from __future__ import annotations

import graphene

RULE_QUERIES: tuple[type[graphene.ObjectType], ...] = ()

RULE_MUTATIONS: dict[str, type[graphene.Mutation]] = {}
