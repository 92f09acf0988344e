"""Registration and Dashboard configuration."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saleor_loyalty.config import CreditEvent, ProgramConfig
from saleor_loyalty.plugin import LoyaltyPlugin


def test_plugin_is_global_with_a_field_per_setting():
    assert LoyaltyPlugin.PLUGIN_ID == "saleor.loyalty"
    assert LoyaltyPlugin.CONFIGURATION_PER_CHANNEL is False
    names = [item["name"] for item in LoyaltyPlugin.DEFAULT_CONFIGURATION]
    assert names == list(ProgramConfig.__dataclass_fields__)
    assert set(LoyaltyPlugin.CONFIG_STRUCTURE) == set(names)
    assert all(field["help_text"] for field in LoyaltyPlugin.CONFIG_STRUCTURE.values())
    assert LoyaltyPlugin.CONFIG_STRUCTURE["gifts_enabled"]["type"] == "Boolean"


def test_configuration_is_parsed_once_into_program_config(loyalty_config):
    from saleor.plugins.manager import get_plugins_manager

    loyalty_config(points_per_unit="2", credit_event="order_confirmed")
    plugin = get_plugins_manager(allow_replica=False).get_plugin(LoyaltyPlugin.PLUGIN_ID)
    config = plugin.program_config
    assert config.points_per_unit == Decimal("2")
    assert config.credit_event is CreditEvent.ORDER_CONFIRMED
    assert plugin.program_config is config


def test_each_request_s_plugin_reuses_the_parse_of_an_unchanged_configuration(loyalty_config):
    """Saleor builds a plugin per request's manager; the same stored values are parsed once, and a
    changed value is seen by the next manager."""
    from saleor.plugins.manager import get_plugins_manager

    def fresh() -> ProgramConfig:
        return get_plugins_manager(allow_replica=False).get_plugin(LoyaltyPlugin.PLUGIN_ID).program_config

    loyalty_config(points_per_unit="3")
    first = fresh()
    assert fresh() is first and first.points_per_unit == Decimal("3")
    loyalty_config(points_per_unit="4")
    assert fresh().points_per_unit == Decimal("4")


def test_an_invalid_stored_configuration_falls_back_to_the_defaults(loyalty_config):
    from saleor.plugins.manager import get_plugins_manager

    loyalty_config(point_value="0")  # written around pluginUpdate, which would refuse it
    plugin = get_plugins_manager(allow_replica=False).get_plugin(LoyaltyPlugin.PLUGIN_ID)
    assert plugin.program_config == ProgramConfig()


def test_validation_lists_every_bad_field():
    class Stored:
        configuration = [{"name": "point_value", "value": "0"}, {"name": "pending_days", "value": "soon"},
                         {"name": "gifts_enabled", "value": True}]

    with pytest.raises(ValidationError) as caught:
        LoyaltyPlugin.validate_plugin_configuration(Stored())
    assert set(caught.value.message_dict) == {"point_value", "pending_days"}


def test_plugin_update_mutation_refuses_bad_values(loyalty_plugin, staff_api_client, permission_manage_plugins):
    from saleor.graphql.tests.utils import get_graphql_content

    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    query = """mutation($id: ID!, $input: PluginUpdateInput!) { pluginUpdate(id: $id, input: $input) {
      errors { field code message } } }"""
    response = staff_api_client.post_graphql(query, {"id": LoyaltyPlugin.PLUGIN_ID, "input": {
        "configuration": [{"name": "redeem_max_share", "value": "2"}, {"name": "expiry_days", "value": "-1"}]}})
    errors = get_graphql_content(response)["data"]["pluginUpdate"]["errors"]
    assert {error["field"] for error in errors} == {"redeemMaxShare", "expiryDays"}  # Saleor camel-cases them
