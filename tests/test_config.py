from decimal import Decimal

import pytest

from saleor_loyalty.config import CreditEvent, ProgramConfig, config_as_items, parse_program_config
from saleor_loyalty.exceptions import InvalidInput


def test_defaults_round_trip_through_saleor_items():
    assert parse_program_config(config_as_items(ProgramConfig())) == ProgramConfig()


def test_parses_saleor_items_with_string_values():
    config = parse_program_config(
        [
            {"name": "points_per_unit", "value": "2.5"},
            {"name": "pending_days", "value": "30"},
            {"name": "gift_stacking", "value": True},
            {"name": "credit_event", "value": "order_paid"},
            {"name": "not_ours", "value": "ignored"},
        ]
    )
    assert config.points_per_unit == Decimal("2.5")
    assert config.pending_days == 30
    assert config.gift_stacking is True
    assert config.credit_event is CreditEvent.ORDER_PAID


def test_reports_every_bad_field_at_once():
    with pytest.raises(InvalidInput) as excinfo:
        parse_program_config(
            {"points_per_unit": "-1", "pending_days": "soon", "redeem_max_share": "1.5", "point_value": "0",
             "credit_event": "order_shipped"}
        )
    fields_with_problems = {field for field, _ in excinfo.value.problems}
    assert fields_with_problems == {"points_per_unit", "pending_days", "redeem_max_share", "point_value", "credit_event"}
