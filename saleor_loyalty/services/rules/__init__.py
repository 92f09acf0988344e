"""Rules: what staff configure (tiers, price lists and their breaks, earn, gift, referral and
next-purchase rules), validated, saved, versioned and compiled for the engine.

Modules: ``kinds`` (create/update/delete per rule kind), ``price_lists`` (entries, breaks, CSV
import), ``csv_rows`` (parsing a price CSV), ``admin`` (what the staff API composes: listings,
referral settings, a list with its entries), ``fields`` (input parsers), ``loader`` (rows ->
engine objects), ``versions`` (the rules-version stamp and the compiled rule set, cached per
process). This file only re-exports the names the adapters use.
"""

from .kinds import (
    create_earn_rule,
    create_gift_rule,
    create_next_purchase_rule,
    create_price_list,
    create_referral_program,
    create_tier,
    delete_earn_rule,
    delete_gift_rule,
    delete_price_list,
    delete_tier,
    update_earn_rule,
    update_gift_rule,
    update_price_list,
    update_referral_program,
    update_tier,
)
from .price_lists import (
    PriceListImport,
    create_price_list_entry,
    delete_price_list_entry,
    import_price_list_csv,
    update_price_list_entry,
)
from .versions import (
    RulesStamp,
    bump_rules_version,
    forget_compiled_rules,
    get_compiled_rules,
    get_rules_stamp,
)

__all__ = [
    "PriceListImport",
    "RulesStamp",
    "bump_rules_version",
    "create_earn_rule",
    "create_gift_rule",
    "create_next_purchase_rule",
    "create_price_list",
    "create_price_list_entry",
    "create_referral_program",
    "create_tier",
    "delete_earn_rule",
    "delete_gift_rule",
    "delete_price_list",
    "delete_price_list_entry",
    "delete_tier",
    "forget_compiled_rules",
    "get_compiled_rules",
    "get_rules_stamp",
    "import_price_list_csv",
    "update_earn_rule",
    "update_gift_rule",
    "update_price_list",
    "update_price_list_entry",
    "update_referral_program",
    "update_tier",
]
