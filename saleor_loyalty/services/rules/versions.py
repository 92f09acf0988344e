"""The rules-version stamp and the compiled rule set, cached per process.

Every rule write bumps a single-row stamp in its own transaction (``bump_rules_version``).
``get_compiled_rules`` reads the stamp (one tiny query) and rebuilds the engine's
``CompiledRuleSet`` only when the stamp or the program configuration changed.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from ...config import ProgramConfig
from ...engine.compiled import CompiledRuleSet, compile_rules
from . import loader as rule_loader


_BUMP_SQL = """
INSERT INTO loyalty_rules_version (id, version, stamp, changed_at) VALUES (1, 1, %s, %s)
ON CONFLICT (id) DO UPDATE SET version = loyalty_rules_version.version + 1,
    stamp = EXCLUDED.stamp, changed_at = EXCLUDED.changed_at
RETURNING version
"""


@dataclass(frozen=True)
class RulesStamp:
    """The rules' version: a counter for people, a fresh ``stamp`` per change for caches."""

    version: int
    stamp: str

    @property
    def label(self) -> str:
        return f"{self.version}.{self.stamp[:8]}"


def bump_rules_version(*, now: datetime | None = None) -> int:
    """Mark the rules as changed; call inside the transaction that changed them."""
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL, [uuid.uuid4(), now or timezone.now()])
        return int(cursor.fetchone()[0])


def get_rules_stamp() -> RulesStamp:
    """The current stamp (one single-row query); ``0`` before any rule was ever written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT version, stamp FROM loyalty_rules_version WHERE id = 1")
        row = cursor.fetchone()
    return RulesStamp(0, "initial") if row is None else RulesStamp(int(row[0]), str(row[1]))


_cache_lock = threading.Lock()
# (alias, database name) -> (stamp, config, compiled); one entry per database the process uses.
_compiled_cache: dict[tuple[str, str], tuple[str, ProgramConfig, CompiledRuleSet]] = {}


def get_compiled_rules(config: ProgramConfig, *, stamp: RulesStamp | None = None) -> CompiledRuleSet:
    """The active rules compiled for the engine, rebuilt only when the stamp or config changed.

    Costs one tiny query when nothing changed, none when the caller read ``stamp`` already (the
    checkout path reads it with the buyer's facts, ``customers.fetch_loyalty_facts``); a rebuild loads every rule with a constant number
    of queries (prefetching entries and breaks). Inside a transaction that changed rules, the
    transaction's own stamp is seen, so the caller quotes against its own changes; a rolled-back
    stamp is never reused, so the cache cannot confuse it with a later committed one.
    """
    stamp = stamp or get_rules_stamp()
    key = _cache_key()
    cached = _compiled_cache.get(key)
    if cached is not None and cached[0] == stamp.stamp and cached[1] == config:
        return cached[2]
    compiled = compile_rules(rule_loader.load_rule_set(stamp.label, config))
    with _cache_lock:
        _compiled_cache[key] = (stamp.stamp, config, compiled)
    return compiled


def get_seen_rules_stamp() -> str | None:
    """The rules stamp this process compiled last for the current database, without a query
    (``None`` before the first): a checkout sync that finds a newer one reads again."""
    cached = _compiled_cache.get(_cache_key())
    return None if cached is None else cached[0]


def get_seen_compiled_rules() -> CompiledRuleSet | None:
    """The rule set this process compiled last for the current database, without a query
    (``None`` before the first); possibly older than the database's."""
    cached = _compiled_cache.get(_cache_key())
    return None if cached is None else cached[2]


def _cache_key() -> tuple[str, str]:
    return (connection.alias, str(connection.settings_dict["NAME"]))


def forget_compiled_rules() -> None:
    """Drop the per-process cache (tests that flush the database call it)."""
    with _cache_lock:
        _compiled_cache.clear()


