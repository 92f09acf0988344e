"""The security tests reuse the GraphQL fixtures (clients per requestor, the fake shop)."""

from tests.graphql.conftest import api_client, customer_api_client, grant, shop, shopper, staff_api_client, staff_user  # noqa: F401
