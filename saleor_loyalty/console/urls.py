"""The console's pages and the permission each needs (Saleor's enums, as the API asks them)."""

from __future__ import annotations

from ..graphql.auth import LoyaltyPermission as P
from .site import route
from .views import api, app, companies, customers, home, price_lists, rebates, rules, signin, what_if

ROUTES = (
    route(r"sign-in/", signin.sign_in, public=True),
    route(r"sign-in/link/(?P<token>[-:_A-Za-z0-9]+)/", signin.sign_in_link, public=True),
    route(r"sign-out/", signin.sign_out, public=True),
    route(r"app/", app.app_entry, public=True),
    route(r"app/handshake/", app.handshake, public=True, form_csrf=False),
    route(r"", home.home),
    route(r"api/", api.api_page),
    route(r"orders/(?P<order_id>[-0-9A-Za-z:_=]{1,128})/", app.order_points, P.MANAGE_ORDERS),
    route(r"customers/", customers.customer_list, P.MANAGE_USERS),
    route(r"customers/(?P<customer_id>[0-9]{1,18})/", customers.customer_detail, P.MANAGE_USERS),
    *rules.TIERS.routes(P.MANAGE_DISCOUNTS),
    *rules.EARN_RULES.routes(P.MANAGE_DISCOUNTS),
    *rules.GIFT_RULES.routes(P.MANAGE_DISCOUNTS),
    route(r"referral/", rules.referral_settings, P.MANAGE_DISCOUNTS),
    *price_lists.routes(P.MANAGE_DISCOUNTS),
    route(r"what-if/", what_if.what_if, P.MANAGE_ORDERS),
    route(r"companies/", companies.company_list, P.MANAGE_USERS),
    route(r"companies/(?P<pk>[0-9]{1,18})/", companies.company_detail, P.MANAGE_USERS),
    route(r"rebates/", rebates.rebate_list, P.MANAGE_DISCOUNTS),
    route(r"rebates/(?P<pk>[0-9]{1,18})/", rebates.rebate_detail, P.MANAGE_DISCOUNTS),
)
